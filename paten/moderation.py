"""What happens when a moderation workflow (a service standard, a DIP entry) is approved.

Wagtail's default publishes the approved revision with the approver's publish
permission checked; a service standard has no direct publish permission at all
(``service_catalog.models.ServicePagePermissionTester``): the approval of someone other
than the submitter is what authorises it, so the approved revision is published as the
approval's consequence.
"""


def publish_approved(workflow_state, user=None):
    """``WAGTAIL_FINISH_WORKFLOW_ACTION``: publish the revision the workflow approved."""
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
