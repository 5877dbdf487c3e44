"""One owner per partition: what each installation may write (docs/sync.md §2)."""

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError

import pytest

from forms_builder.services.applications import application_transition
from forms_builder.workflow import ApplicationState as S
from paten.sync.guards import ConfigurationReadOnly, PartitionReadOnly
from service_catalog.models import ServicePage
from tests.forms_builder.factories import submit

pytestmark = pytest.mark.django_db


class TestCentralWithAnOfflineKecamatan:
    def test_records_of_the_offline_kecamatan_are_read_only(
        self, service, utara, loket, offline_utara
    ):
        from paten.sync import guards

        with guards.importing():  # as if the instance's bundle brought it
            application = submit(service, utara)
        with pytest.raises(PartitionReadOnly) as refused:
            application_transition(application=application, to_state=S.VERIFYING, actor=loket)
        assert "Bontang Utara" in refused.value.messages[0]
        application.refresh_from_db()
        assert application.state == S.SUBMITTED

    def test_no_new_application_for_the_offline_kecamatan(self, service, utara, offline_utara):
        with pytest.raises(ValidationError) as refused:
            submit(service, utara)
        assert "instans luring" in " ".join(refused.value.messages)

    def test_other_kecamatan_are_untouched(self, service, selatan, loket_selatan, offline_utara):
        application = submit(service, selatan)
        moved = application_transition(
            application=application, to_state=S.VERIFYING, actor=loket_selatan
        )
        assert moved.state == S.VERIFYING


class TestAtTheInstance:
    def test_configuration_is_read_only(self, service, as_instance):
        page = ServicePage.objects.get(pk=service.pk)
        page.title = "Diubah di laptop"
        with pytest.raises(ConfigurationReadOnly) as refused:
            page.save()
        assert "server pusat" in refused.value.messages[0]
        assert ServicePage.objects.get(pk=service.pk).title != "Diubah di laptop"

    def test_the_kecamatan_works_as_usual(self, service, utara, loket, as_instance):
        application = submit(service, utara)
        assert len(application.tracking_code) == 11
        assert application.tracking_code.startswith("0A")
        moved = application_transition(application=application, to_state=S.VERIFYING, actor=loket)
        assert moved.state == S.VERIFYING

    def test_logging_in_still_records_the_time(self, loket, as_instance, rf):
        user_logged_in.send(sender=type(loket), request=rf.get("/"), user=loket)
        loket.refresh_from_db()
        assert loket.last_login is not None

    def test_a_password_change_is_refused(self, loket, as_instance):
        loket.set_password("something-new-1")
        with pytest.raises(ConfigurationReadOnly):
            loket.save()


class TestMiddleware:
    def _middleware(self):
        from paten.sync.middleware import ReadOnlyMiddleware

        return ReadOnlyMiddleware(lambda request: None)

    def test_admin_gets_a_message_and_goes_back(self, rf, loket):
        from django.contrib.messages.storage.fallback import FallbackStorage

        request = rf.post(
            "/admin/permohonan/x/", HTTP_REFERER="http://testserver/admin/permohonan/"
        )
        request.user = loket
        request.session = {}
        request._messages = FallbackStorage(request)
        response = self._middleware().process_exception(request, PartitionReadOnly("Hanya baca."))
        assert response.status_code == 302
        assert response["Location"] == "http://testserver/admin/permohonan/"
        assert [str(m) for m in request._messages] == ["Hanya baca."]

    def test_an_outside_referer_is_not_followed(self, rf, loket):
        from django.contrib.messages.storage.fallback import FallbackStorage

        request = rf.post("/admin/x/", HTTP_REFERER="https://evil.example/")
        request.user = loket
        request.session = {}
        request._messages = FallbackStorage(request)
        response = self._middleware().process_exception(request, PartitionReadOnly("Hanya baca."))
        assert response["Location"] == "/admin/"

    def test_public_pages_explain_instead_of_failing(self, rf):
        request = rf.post("/lacak/")
        response = self._middleware().process_exception(request, PartitionReadOnly("Hanya baca."))
        assert response.status_code == 409
        assert b"Hanya baca." in response.content

    def test_other_errors_pass_through(self, rf):
        assert self._middleware().process_exception(rf.get("/"), ValueError("x")) is None
