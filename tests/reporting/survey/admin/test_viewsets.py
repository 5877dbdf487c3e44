"""The survey admin: set-up, scoped lists, read-only responses, paper entry."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from wagtail.permissions import policy_registry

import pytest

from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from reporting.models import FollowUpPlan, SurveyKiosk, SurveyPeriod, SurveyQuestion, SurveyResponse
from reporting.survey.constants import SurveyChannel
from reporting.survey.services import survey_period_create, survey_response_submit
from tests.reporting.factories import PAPER_ENTRY, all_answers, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]

RESPONSES = "survey_responses:index"


def denied(response) -> bool:
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def respond(kecamatan, *, value: int = 4, suggestion: str = "", **extra) -> SurveyResponse:
    return survey_response_submit(
        answers=all_answers(value),
        channel=SurveyChannel.PAPER,
        kecamatan=kecamatan,
        suggestion=suggestion,
        **extra,
    )


def listed(response) -> set:
    return {obj.pk for obj in response.context["object_list"]}


# -----------------------------------------------------------------------------
# Questions
# -----------------------------------------------------------------------------


class TestQuestions:
    def test_listed_in_questionnaire_order(self, admin_client):
        response = admin_client.get(reverse("survey_questions:index"))

        assert response.status_code == 200
        units = [q.unsur for q in response.context["object_list"]]
        assert units[:3] == ["persyaratan", "prosedur", "waktu"]
        assert units[7:] == ["sarana", "pengaduan"]  # U8 = sarana, U9 = pengaduan

    def test_cannot_be_added_or_deleted_even_by_a_superuser(self, admin_client, admin_user):
        question = SurveyQuestion.objects.get(unsur="waktu")

        assert denied(admin_client.get(reverse("survey_questions:add")))
        assert denied(
            admin_client.post(reverse("survey_questions:add"), {"unsur": "waktu", "text": "x"})
        )
        assert denied(admin_client.post(reverse("survey_questions:delete", args=[question.pk])))

        assert SurveyQuestion.objects.count() == 9
        policy = policy_registry.get_by_type(SurveyQuestion)
        assert not policy.user_has_permission(admin_user, "add")
        assert not policy.user_has_permission(admin_user, "delete")
        assert policy.user_has_permission(admin_user, "change")
        assert (
            b"survey_questions/new"
            not in admin_client.get(reverse("survey_questions:index")).content
        )

    def test_edit_changes_wording_but_never_the_unsur(self, admin_client):
        question = SurveyQuestion.objects.get(unsur="persyaratan")
        url = reverse("survey_questions:edit", args=[question.pk])
        page = admin_client.get(url)
        assert page.status_code == 200
        assert page.context["form"].fields["unsur"].disabled

        response = admin_client.post(
            url,
            {
                "unsur": "waktu",  # tampered: ignored
                "text": "Apakah persyaratan sesuai?",
                "label_1": "Tidak sesuai",
                "label_2": "Kurang sesuai",
                "label_3": "Sesuai",
                "label_4": "Sangat sesuai sekali",
            },
        )

        assert response.status_code == 302
        question.refresh_from_db()
        assert question.unsur == "persyaratan"
        assert question.text == "Apakah persyaratan sesuai?"
        assert question.label_4 == "Sangat sesuai sekali"


# -----------------------------------------------------------------------------
# Periods
# -----------------------------------------------------------------------------


class TestPeriods:
    def test_create_derives_dates_name_and_slug(self, admin_client):
        response = admin_client.post(
            reverse("survey_periods:add"),
            {"kind": "triwulan", "year": "2025", "number": "2", "is_published": "on"},
        )

        assert response.status_code == 302
        period = SurveyPeriod.objects.get()
        assert (period.start_date, period.end_date) == (date(2025, 4, 1), date(2025, 6, 30))
        assert (period.name, period.slug) == ("Triwulan II 2025", "2025-tw2")

    def test_overlap_of_the_same_kind_is_refused_with_the_other_period(self, admin_client):
        survey_period_create(
            kind="khusus", start_date=date(2025, 1, 1), end_date=date(2025, 2, 15), name="Awal"
        )

        response = admin_client.post(
            reverse("survey_periods:add"),
            {"kind": "khusus", "start_date": "2025-02-01", "end_date": "2025-03-31"},
        )

        assert response.status_code == 200
        errors = " ".join(response.context["form"].non_field_errors())
        assert "Awal" in errors and "01-01-2025" in errors and "15-02-2025" in errors
        assert "Awal" in response.content.decode()  # shown to the user
        assert SurveyPeriod.objects.count() == 1

    def test_other_kinds_may_overlap(self, admin_client):
        survey_period_create(kind="triwulan", year=2025, number=1)

        response = admin_client.post(
            reverse("survey_periods:add"), {"kind": "semester", "year": "2025", "number": "1"}
        )

        assert response.status_code == 302
        assert SurveyPeriod.objects.filter(kind="semester").count() == 1

    def test_edit_renames_a_standard_name_with_the_new_number(self, admin_client):
        period = survey_period_create(kind="triwulan", year=2025, number=2)

        response = admin_client.post(
            reverse("survey_periods:edit", args=[period.pk]),
            {"kind": "triwulan", "year": "2025", "number": "3", "name": period.name},
        )

        assert response.status_code == 302
        period.refresh_from_db()
        assert (period.name, period.slug, period.start_date) == (
            "Triwulan III 2025",
            "2025-tw3",
            date(2025, 7, 1),
        )

    def test_kecamatan_staff_may_view_but_not_add(self, client, loket, quarter):
        logged_in(client, loket)

        assert client.get(reverse("survey_periods:index")).status_code == 200
        assert denied(client.get(reverse("survey_periods:add")))


# -----------------------------------------------------------------------------
# Kiosks
# -----------------------------------------------------------------------------


class TestKiosks:
    def test_camat_adds_a_kiosk_for_own_kecamatan_only(self, client, camat, utara, selatan):
        logged_in(client, camat)
        url = reverse("survey_kiosks:add")
        form = client.get(url).context["form"]
        assert list(form.fields["kecamatan"].queryset) == [utara]

        refused = client.post(url, {"kecamatan": selatan.code, "name": "Tablet"})
        assert refused.status_code == 200
        assert "kecamatan" in refused.context["form"].errors
        assert not SurveyKiosk.objects.exists()

        assert client.post(url, {"kecamatan": utara.code, "name": "Tablet"}).status_code == 302
        assert SurveyKiosk.objects.get().kecamatan == utara

    def test_list_is_scoped_and_shows_the_kiosk_address(
        self, client, loket_selatan, utara, selatan
    ):
        mine = SurveyKiosk.objects.create(kecamatan=selatan, name="Ruang tunggu")
        other = SurveyKiosk.objects.create(kecamatan=utara, name="Loket")
        logged_in(client, loket_selatan)

        response = client.get(reverse("survey_kiosks:index"))

        assert response.status_code == 200
        assert listed(response) == {mine.pk}
        html = response.content.decode()
        assert f"/survei/kios/{mine.token}/" in html
        assert other.token not in html
        assert client.get(reverse("survey_kiosks:inspect", args=[other.pk])).status_code == 404
        inspect = client.get(reverse("survey_kiosks:inspect", args=[mine.pk]))
        assert f"/survei/kios/{mine.token}/" in inspect.content.decode()

    def test_history_and_usage_of_another_kecamatans_kiosk_are_404(
        self, client, camat, utara, selatan
    ):
        """Every ScopedModelViewSet scopes its history and usage pages too."""
        mine = SurveyKiosk.objects.create(kecamatan=utara, name="Tablet loket")
        other = SurveyKiosk.objects.create(kecamatan=selatan, name="Ruang tunggu Selatan")
        logged_in(client, camat)
        for name in ("history", "usage"):
            response = client.get(reverse(f"survey_kiosks:{name}", args=[other.pk]))
            assert response.status_code == 404, name
            assert "Ruang tunggu Selatan" not in response.content.decode()
            assert client.get(reverse(f"survey_kiosks:{name}", args=[mine.pk])).status_code == 200

    def test_loket_cannot_add_or_change_kiosks(self, client, loket, utara):
        kiosk = SurveyKiosk.objects.create(kecamatan=utara, name="Tablet")
        logged_in(client, loket)

        assert denied(client.get(reverse("survey_kiosks:add")))
        assert denied(client.post(reverse("survey_kiosks:edit", args=[kiosk.pk]), {"name": "X"}))

    def test_regenerating_the_token_replaces_the_address(self, client, camat, utara):
        kiosk = SurveyKiosk.objects.create(kecamatan=utara, name="Tablet")
        old = kiosk.token
        logged_in(client, camat)
        url = reverse("survey_kiosks:edit", args=[kiosk.pk])

        client.post(url, {"kecamatan": utara.code, "name": "Tablet", "is_active": "on"})
        kiosk.refresh_from_db()
        assert kiosk.token == old  # plain edit keeps the address

        client.post(
            url,
            {
                "kecamatan": utara.code,
                "name": "Tablet",
                "is_active": "on",
                "regenerate_token": "on",
            },
        )
        kiosk.refresh_from_db()
        assert kiosk.token != old and len(kiosk.token) >= 32

    def test_camat_of_another_kecamatan_cannot_edit(self, client, camat_selatan, utara):
        kiosk = SurveyKiosk.objects.create(kecamatan=utara, name="Tablet")
        logged_in(client, camat_selatan)

        response = client.post(
            reverse("survey_kiosks:edit", args=[kiosk.pk]),
            {"kecamatan": utara.code, "name": "Diambil alih"},
        )

        assert response.status_code == 404
        kiosk.refresh_from_db()
        assert kiosk.name == "Tablet"


# -----------------------------------------------------------------------------
# Responses and suggestions
# -----------------------------------------------------------------------------


class TestResponses:
    def test_list_is_scoped_by_kecamatan(self, client, loket_selatan, camat, utara, selatan):
        north = respond(utara)
        south = respond(selatan)

        assert listed(logged_in(client, loket_selatan).get(reverse(RESPONSES))) == {south.pk}
        assert listed(logged_in(client, camat).get(reverse(RESPONSES))) == {north.pk}

    def test_other_kecamatan_response_is_not_found(self, client, loket_selatan, utara):
        north = respond(utara, suggestion="Ruang tunggu panas")
        logged_in(client, loket_selatan)

        response = client.get(reverse("survey_responses:inspect", args=[north.pk]))

        assert response.status_code == 404

    def test_filters_by_kecamatan_channel_and_period(self, admin_client, utara, selatan):
        north = respond(utara)
        respond(selatan)
        old = respond(utara, answered_on=date(2024, 2, 1))
        period = survey_period_create(kind="triwulan", year=2024, number=1)

        by_kecamatan = admin_client.get(reverse(RESPONSES), {"kecamatan": utara.code})
        by_period = admin_client.get(reverse(RESPONSES), {"period": period.pk})
        by_channel = admin_client.get(reverse(RESPONSES), {"channel": SurveyChannel.KIOSK})

        assert listed(by_kecamatan) == {north.pk, old.pk}
        assert listed(by_period) == {old.pk}
        assert listed(by_channel) == set()

    def test_kecamatan_filter_offers_only_the_users_kecamatan(self, client, loket, utara):
        response = logged_in(client, loket).get(reverse(RESPONSES))

        filters = response.context["filters"]
        assert list(filters.filters["kecamatan"].queryset) == [utara]

    def test_list_query_count_does_not_grow_with_rows(
        self, client, camat, utara, service, django_assert_max_num_queries
    ):
        logged_in(client, camat)
        respond(utara, service=service)
        respond(utara)
        client.get(reverse(RESPONSES))  # the first request fills process-wide caches
        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse(RESPONSES)).status_code == 200
        for _ in range(12):
            respond(utara, service=service)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse(RESPONSES))

        assert len(response.context["object_list"]) == 14
        assert len(many.captured_queries) == len(few.captured_queries)
        with django_assert_max_num_queries(25):
            client.get(reverse(RESPONSES))

    def test_inspect_shows_the_versions_labels_and_the_suggestion(self, client, camat, utara):
        response = respond(utara, value=3, suggestion="Antrean terlalu lama")
        # The wording changes after the answer: the response keeps its own version.
        SurveyQuestion.objects.filter(unsur="waktu").update(label_3="Lumayan cepat")
        logged_in(client, camat)

        page = client.get(reverse("survey_responses:inspect", args=[response.pk]))

        html = page.content.decode()
        assert page.status_code == 200
        assert "3 — Cepat" in html and "Lumayan cepat" not in html
        assert "3 — Sangat Baik" not in html and "3 — Baik" in html  # U8 sarana labels
        assert "Antrean terlalu lama" in html

    @pytest.mark.parametrize("view", ["edit", "delete", "add", "copy"])
    def test_no_admin_url_edits_adds_or_deletes_a_response(self, view):
        with pytest.raises(NoReverseMatch):
            reverse(f"survey_responses:{view}", args=[] if view == "add" else [1])

    def test_crafted_edit_and_delete_urls_change_nothing(self, admin_client, admin_user, utara):
        response = respond(utara, value=4)

        for url in (
            f"/admin/skm/jawaban/edit/{response.pk}/",
            f"/admin/skm/jawaban/delete/{response.pk}/",
        ):
            assert admin_client.post(url, {"u_waktu": "1"}).status_code == 404

        response.refresh_from_db()
        assert response.u_waktu == 4
        policy = policy_registry.get_by_type(SurveyResponse)
        assert not any(
            policy.user_has_permission(admin_user, action) for action in ("add", "change", "delete")
        )

    def test_suggestions_list_shows_only_suggestions_in_scope(
        self, client, loket_selatan, utara, selatan
    ):
        respond(utara, suggestion="Tambah kursi di Utara")
        respond(selatan)
        south = respond(selatan, suggestion="Parkir sempit")
        logged_in(client, loket_selatan)

        response = client.get(reverse("survey_suggestions:index"))

        assert response.status_code == 200
        assert listed(response) == {south.pk}
        html = response.content.decode()
        assert "Parkir sempit" in html and "Tambah kursi" not in html
        assert reverse("survey_responses:inspect", args=[south.pk]) in html

    def test_evaluator_sees_every_kecamatan_but_cannot_enter(self, client, bontang, utara):
        evaluator = staff_create(username="evaluator", password="x", roles=[Role.EVALUATOR])
        north = respond(utara)
        logged_in(client, evaluator)

        assert listed(client.get(reverse(RESPONSES))) == {north.pk}
        assert denied(client.get(reverse(PAPER_ENTRY)))


# -----------------------------------------------------------------------------
# Paper entry
# -----------------------------------------------------------------------------


# -----------------------------------------------------------------------------
# Follow-up plans
# -----------------------------------------------------------------------------


def plan_data(period, kecamatan=None, **extra) -> dict:
    return {
        "period": str(period.pk),
        "kecamatan": kecamatan.code if kecamatan else "",
        "unsur": "waktu",
        "action": "Tambah petugas loket pada jam sibuk",
        "status": "rencana",
        "is_public": "on",
        **extra,
    }


class TestFollowUpPlans:
    def test_camat_plans_for_own_kecamatan_only(self, client, camat, quarter, utara, selatan):
        logged_in(client, camat)
        url = reverse("survey_follow_up_plans:add")

        for refused in (plan_data(quarter, selatan), plan_data(quarter, None)):
            response = client.post(url, refused)
            assert response.status_code == 200
            assert "kecamatan" in response.context["form"].errors

        assert client.post(url, plan_data(quarter, utara)).status_code == 302
        assert FollowUpPlan.objects.get().kecamatan == utara

    def test_pemda_admin_plans_for_the_kabupaten(self, admin_client, quarter):
        response = admin_client.post(reverse("survey_follow_up_plans:add"), plan_data(quarter))

        assert response.status_code == 302
        assert FollowUpPlan.objects.get().kecamatan is None

    def test_list_and_edit_are_scoped(self, client, camat_selatan, quarter, utara, selatan):
        north = FollowUpPlan.objects.create(
            period=quarter, kecamatan=utara, unsur="waktu", action="A"
        )
        south = FollowUpPlan.objects.create(
            period=quarter, kecamatan=selatan, unsur="biaya", action="B"
        )
        FollowUpPlan.objects.create(period=quarter, unsur="sarana", action="Kabupaten")
        logged_in(client, camat_selatan)

        assert listed(client.get(reverse("survey_follow_up_plans:index"))) == {south.pk}
        edit = client.post(
            reverse("survey_follow_up_plans:edit", args=[north.pk]), plan_data(quarter, selatan)
        )
        assert edit.status_code == 404
        north.refresh_from_db()
        assert north.kecamatan == utara

    def test_loket_has_no_follow_up_access(self, client, loket):
        logged_in(client, loket)

        assert denied(client.get(reverse("survey_follow_up_plans:index")))


# -----------------------------------------------------------------------------
# Versions, settings and the menu
# -----------------------------------------------------------------------------


class TestVersionsSettingsAndMenu:
    def test_versions_are_read_only(self, admin_client, utara):
        response = respond(utara)
        version = response.version

        assert admin_client.get(reverse("survey_versions:index")).status_code == 200
        inspect = admin_client.get(reverse("survey_versions:inspect", args=[version.pk]))
        assert inspect.status_code == 200
        assert "Sangat Baik" in inspect.content.decode()
        with pytest.raises(NoReverseMatch):
            reverse("survey_versions:edit", args=[version.pk])

    def test_survey_settings_sit_in_the_settings_menu(self, admin_client):
        url = reverse("wagtailsettings:edit", args=["reporting", "surveysettings"])

        page = admin_client.get(url, follow=True)
        assert page.status_code == 200
        assert "kiosk_min_interval_seconds" in page.content.decode()
        assert url in admin_client.get(reverse("wagtailadmin_home")).content.decode()

    def test_menu_group_shows_paper_entry_to_loket(self, client, loket):
        html = logged_in(client, loket).get(reverse("wagtailadmin_home")).content.decode()

        assert reverse(RESPONSES) in html
        assert reverse(PAPER_ENTRY) in html
        assert reverse("survey_questions:index") not in html

    def test_menu_group_is_hidden_without_survey_permissions(self, client, bontang):
        ppid = staff_create(username="ppid", password="x", roles=[Role.PPID])

        html = logged_in(client, ppid).get(reverse("wagtailadmin_home")).content.decode()

        assert reverse(RESPONSES) not in html
        assert reverse(PAPER_ENTRY) not in html
