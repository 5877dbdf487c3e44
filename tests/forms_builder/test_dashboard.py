"""Dasbor: the applications panel on the Wagtail admin home page (``forms_builder.dashboard``)."""

import re
from datetime import datetime, time, timedelta

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from forms_builder.dashboard import (
    application_counts_for_user,
    applications_panel_for,
    states_waiting_for,
)
from forms_builder.models import Application
from forms_builder.workflow import ApplicationState
from paten.accounts.constants import Role
from paten.accounts.services import staff_create
from tests.bontang import SELATAN, UTARA

from .factories import advance, submit

pytestmark = pytest.mark.django_db
S = ApplicationState
HOME = "/admin/"
QUEUE = "/admin/permohonan/"

#: The panel itself: the one grouped query (the user's scope and roles are known by then).
PANEL_QUERIES = 1


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def local(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def headline(html: str, key: str) -> int:
    return int(re.search(rf'data-count="{key}"><strong>(\d+)</strong>', html).group(1))


def state_count(html: str, state: str) -> int:
    return int(re.search(rf'data-count="{state}">(\d+)</a>', html).group(1))


def kecamatan_row(html: str, code: str) -> dict[str, int] | None:
    row = re.search(rf'<tr data-kecamatan="{re.escape(code)}">(.*?)</tr>', html, re.S)
    if row is None:
        return None
    return {key: int(n) for key, n in re.findall(r'data-count="(\w+)">(\d+)<', row.group(1))}


@pytest.fixture
def applications(service, utara, selatan, staff, loket_selatan, camat_selatan):
    """Utara: one application in each of six states (one overdue, one done but past its
    due date, one handed over last month), one received just after local midnight and
    one just before it; Selatan: submitted, processing (overdue) and finished."""
    back_office_selatan = staff_create(
        username="backoffice.selatan", password="x", roles=[Role.BACK_OFFICE], kecamatan=[SELATAN]
    )
    staff_selatan = {
        "loket": loket_selatan,
        "back_office": back_office_selatan,
        "camat": camat_selatan,
    }
    made = {
        state: advance(submit(service, utara), **staff, until=state)
        for state in (
            S.SUBMITTED,
            S.VERIFYING,
            S.PROCESSING,
            S.AWAITING_SIGNATURE,
            S.FINISHED,
            S.HANDED_OVER,
        )
    }
    theirs = {
        state: advance(submit(service, selatan), **staff_selatan, until=state)
        for state in (S.SUBMITTED, S.PROCESSING, S.FINISHED)
    }
    today = timezone.localdate()
    past = timezone.now() - timedelta(hours=1)
    # Overdue the way the queue tests make it: a due date in the past.
    Application.objects.filter(
        pk__in=[made[S.PROCESSING].pk, made[S.FINISHED].pk, theirs[S.PROCESSING].pk]
    ).update(due_at=past)
    Application.objects.filter(pk__in=[a.pk for a in made.values()]).update(
        submitted_at=local(today - timedelta(days=3), 10)
    )
    # 00.30 and 23.30 local time fall on the same UTC day (the installation is UTC+7):
    # only the local day tells them apart.
    Application.objects.filter(pk=made[S.SUBMITTED].pk).update(submitted_at=local(today, 0, 30))
    Application.objects.filter(pk=made[S.VERIFYING].pk).update(
        submitted_at=local(today - timedelta(days=1), 23, 30)
    )
    Application.objects.filter(pk=made[S.HANDED_OVER].pk).update(
        finished_at=local(today.replace(day=1), 0) - timedelta(hours=1)
    )
    return {"utara": made, "selatan": theirs}


class TestWaitingStates:
    def test_derived_from_the_transition_table(self):
        assert states_waiting_for({Role.PETUGAS_LOKET}) == {S.SUBMITTED, S.VERIFYING, S.FINISHED}
        assert states_waiting_for({Role.BACK_OFFICE}) == {S.PROCESSING}
        assert states_waiting_for({Role.CAMAT}) == {S.AWAITING_SIGNATURE}
        assert states_waiting_for({Role.ADMIN_PEMDA}) == frozenset()

    def test_returned_waits_for_the_applicant(self):
        assert S.RETURNED not in states_waiting_for(set(Role.values))


class TestCounts:
    def test_kecamatan_user_counts_own_kecamatan_only(self, applications, loket):
        counts = application_counts_for_user(user=loket)
        assert counts.by_state == {
            S.SUBMITTED: 1,
            S.VERIFYING: 1,
            S.RETURNED: 0,
            S.REJECTED: 0,
            S.PROCESSING: 1,
            S.AWAITING_SIGNATURE: 1,
            S.FINISHED: 1,
            S.HANDED_OVER: 1,
            S.CANCELLED: 0,
        }
        assert (counts.received_today, counts.open, counts.overdue) == (1, 4, 1)
        assert [(k.code, k.open, k.overdue, k.finished_this_month) for k in counts.kecamatan] == [
            (UTARA, 4, 1, 1)
        ]

    def test_pemda_counts_every_kecamatan(self, applications, admin_pemda):
        counts = application_counts_for_user(user=admin_pemda)
        assert (counts.open, counts.overdue) == (6, 2)
        assert [(k.name, k.open, k.overdue, k.finished_this_month) for k in counts.kecamatan] == [
            ("Bontang Selatan", 2, 1, 1),
            ("Bontang Utara", 4, 1, 1),
        ]

    def test_overdue_equals_the_queue_filter(self, applications, loket):
        counts = application_counts_for_user(user=loket)
        html = login(loket).get(QUEUE, {"overdue": "on"}).content.decode()
        assert html.count('data-badge="overdue"') == counts.overdue == 1


class TestNumbersOpenTheirRows:
    """Each headline number links to the queue with a filter that lists exactly as many
    applications (the queue marks each row with its tracking code)."""

    @pytest.mark.parametrize("key", ["received_today", "open", "overdue", "waiting"])
    @pytest.mark.parametrize("who", ["loket", "camat", "back_office", "pemda"])
    def test_headline_equals_the_linked_queue(self, applications, staff, admin_pemda, key, who):
        user = admin_pemda if who == "pemda" else staff[who]
        client = login(user)
        html = client.get(HOME).content.decode()
        link = re.search(rf'href="([^"]+)" data-count="{key}"', html).group(1)
        queue = client.get(link.replace("&amp;", "&")).content.decode()
        rows = len(re.findall(r'<td><a href="/admin/permohonan/[^"]+/"><code>', queue))
        assert rows == headline(html, key), (who, key, link)

    def test_waiting_for_my_role_lists_the_roles_states(self, applications, staff):
        queue = login(staff["camat"]).get(QUEUE, {"state": "giliran-saya"})
        states = {row["application"].state for row in queue.context["rows"]}
        assert states == {S.AWAITING_SIGNATURE}


class TestHomePage:
    def test_loket_sees_own_numbers_linked_to_the_queue(self, applications, loket):
        html = login(loket).get(HOME).content.decode()
        assert 'id="paten-applications' in html
        assert (headline(html, "received_today"), headline(html, "open")) == (1, 4)
        assert (headline(html, "overdue"), headline(html, "waiting")) == (1, 3)
        assert [state_count(html, s) for s in (S.SUBMITTED, S.PROCESSING, S.HANDED_OVER)] == [
            1,
            1,
            1,
        ]
        assert f'href="{QUEUE}?overdue=on" data-count="overdue"' in html
        assert f'href="{QUEUE}?state={S.PROCESSING}" data-count="{S.PROCESSING}"' in html
        assert f'href="{QUEUE}?today=on" data-count="received_today"' in html
        assert f'href="{QUEUE}?state=belum-selesai" data-count="open"' in html
        assert f'href="{QUEUE}?state=giliran-saya" data-count="waiting"' in html
        # No table per kecamatan, nothing of Selatan, and no personal data.
        assert kecamatan_row(html, UTARA) is None and kecamatan_row(html, SELATAN) is None
        assert "Bontang Selatan" not in html
        assert applications["utara"][S.SUBMITTED].display_code not in html
        assert "Siti Rahmawati" not in html

    def test_waiting_for_you_follows_the_role(self, applications, camat, back_office):
        html = login(camat).get(HOME).content.decode()
        assert headline(html, "waiting") == 1
        assert re.findall(r'<tr data-state="(\w+)">[^<]*<td>[^<]*<span[^>]*data-yours', html) == [
            S.AWAITING_SIGNATURE
        ]
        html = login(back_office).get(HOME).content.decode()
        assert headline(html, "waiting") == 1

    def test_other_kecamatan_sees_its_own_numbers(self, applications, loket_selatan):
        html = login(loket_selatan).get(HOME).content.decode()
        assert (headline(html, "open"), headline(html, "overdue")) == (2, 1)
        assert state_count(html, S.FINISHED) == 1 and state_count(html, S.AWAITING_SIGNATURE) == 0

    def test_pemda_sees_every_kecamatan(self, applications, admin_pemda):
        html = login(admin_pemda).get(HOME).content.decode()
        assert (headline(html, "open"), headline(html, "overdue")) == (6, 2)
        assert headline(html, "waiting") == 0
        assert kecamatan_row(html, UTARA) == {"open": 4, "overdue": 1, "finished_this_month": 1}
        assert kecamatan_row(html, SELATAN) == {"open": 2, "overdue": 1, "finished_this_month": 1}
        assert html.index("Bontang Selatan") < html.index("Bontang Utara")

    def test_in_indonesian_and_before_wagtails_panels(self, applications, loket):
        html = login(loket).get(HOME).content.decode()
        assert "diterima hari ini" in html and "menunggu Anda" in html
        assert "Per kecamatan" not in html

    def test_not_shown_without_a_workflow_role(self, bontang):
        ppid = staff_create(username="ppid", password="x", roles=[Role.PPID])
        html = login(ppid).get(HOME).content.decode()
        assert 'id="paten-applications' not in html


class TestQueries:
    def _render(self, user):
        request = RequestFactory().get(HOME)
        request.user = user
        panel = applications_panel_for(request)
        return panel, request

    @pytest.mark.parametrize("who", ["loket", "pemda"])
    def test_one_query_for_the_panel(
        self, applications, loket, admin_pemda, who, django_assert_num_queries
    ):
        panel, request = self._render({"loket": loket, "pemda": admin_pemda}[who])
        with django_assert_num_queries(PANEL_QUERIES):
            html = panel.render_html({"request": request})
        assert "paten-applications" in html

    @pytest.mark.parametrize("who", ["loket", "pemda"])
    def test_home_page_cost_does_not_grow_with_the_data(
        self, service, utara, selatan, loket, admin_pemda, who, django_assert_max_num_queries
    ):
        client = login({"loket": loket, "pemda": admin_pemda}[who])

        def count_for(n):
            for _ in range(n - Application.objects.count()):
                submit(service, utara)
                submit(service, selatan)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(HOME).status_code == 200
            return len(ctx.captured_queries)

        # The first request fills caches that last for the process (the site's root page,
        # content types, this installation's own row), whichever test runs first; the cost
        # compared is that of every request after it.
        assert client.get(HOME).status_code == 200
        few, many = count_for(2), count_for(30)
        assert few == many
        with django_assert_max_num_queries(many):
            client.get(HOME)
