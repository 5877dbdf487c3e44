"""Access rules shared by every app's admin (each app's own rules are in its
``permissions.py``)."""


def user_may_import_rows(user, *, model) -> bool:
    """Importing creates and changes rows: both model permissions are needed."""
    opts = model._meta
    return user.has_perms(
        [f"{opts.app_label}.add_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"]
    )
