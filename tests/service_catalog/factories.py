"""Builders for the service catalog: one factory per snippet, ``make_service`` for pages.

``make_service`` goes through ``service_catalog.services.service_publish`` so test
data passes the admin's validation, and lands under the catalog page (``/layanan/``).
"""

import itertools
from datetime import date

from django.utils.text import slugify
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import factory

from service_catalog.constants import (
    DocumentForm,
    FeeKind,
    InstrumentKind,
    ServiceField,
    StepRole,
)
from service_catalog.models import (
    DelegatedAuthority,
    LegalInstrument,
    Maklumat,
    ProcedureStep,
    RequiredDocument,
    ServiceCategory,
    ServiceIndexPage,
    ServiceLegalBasis,
    ServicePage,
)
from tests.bontang import bontang_regions  # noqa: F401 (the tree builder, also reachable here)


class LegalInstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalInstrument

    kind = InstrumentKind.PERWAL
    number = factory.Sequence(lambda n: str(100 + n))
    year = 2016
    title = factory.Sequence(lambda n: f"Pelimpahan Sebagian Kewenangan Wali Kota kepada Camat {n}")
    signed_on = date(2016, 3, 1)
    effective_from = date(2016, 3, 1)

    class Params:
        revoked = factory.Trait(status="dicabut")


class DelegatedAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegatedAuthority
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"pskwc-2016-{n}")
    instrument = factory.SubFactory(LegalInstrumentFactory)
    reference = factory.Sequence(lambda n: f"Lampiran I huruf B angka {n}")
    authority = "Penerbitan surat keterangan"
    field = ServiceField.NON_PERIZINAN
    originating_opd = "Dinas Kependudukan dan Pencatatan Sipil"
    all_kecamatan = True

    class Params:
        expired = factory.Trait(effective_until=date(2020, 12, 31))
        is_revoked = factory.Trait(revoked=True)

    @factory.post_generation
    def kecamatan_list(self, create, extracted, **kwargs):
        if create and extracted:
            self.all_kecamatan = False
            self.save(update_fields=["all_kecamatan"])
            self.kecamatan.set(extracted)


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kependudukan {n}")
    slug = factory.Sequence(lambda n: f"kependudukan-{n}")
    sort_order = 0


class MaklumatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Maklumat

    text = "<p>Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar.</p>"
    camat_name = "Drs. Camat Contoh"
    camat_nip = "197001011990031001"
    signed_on = date(2025, 1, 2)


_codes = itertools.count(1)


def make_service(
    *,
    title: str | None = None,
    code: str | None = None,
    category: ServiceCategory | None = None,
    delegated_authority: DelegatedAuthority | None = None,
    field: str = ServiceField.NON_PERIZINAN,
    documents: int = 2,
    steps: int = 3,
    fee_kind: str = FeeKind.FREE,
    fee_amount=None,
    legal_basis: LegalInstrument | None = None,
    overrides=(),
    **extra,
) -> ServicePage:
    """A published service with ``documents`` required documents and ``steps`` steps."""
    n = next(_codes)
    code = code or f"svc{n}"
    legal_basis = legal_basis or LegalInstrumentFactory()
    if fee_kind != FeeKind.FREE:
        extra.setdefault("fee_legal_basis", legal_basis)
        if fee_kind == FeeKind.FORMULA:
            extra.setdefault("fee_description", "panjang × lebar × Rp500/m²")
    service = ServicePage(
        title=title or f"Surat Keterangan Nomor {n}",
        code=code,
        category=category or ServiceCategoryFactory(),
        field=delegated_authority.field if delegated_authority else field,
        delegated_authority=delegated_authority,
        summary=extra.pop("summary", f"Surat keterangan untuk keperluan {n}."),
        duration_value=extra.pop("duration_value", 1),
        duration_unit=extra.pop("duration_unit", "working_days"),
        fee_kind=fee_kind,
        fee_amount=fee_amount,
        product=extra.pop("product", "Surat keterangan yang ditandatangani camat"),
        complaint_channels=extra.pop(
            "complaint_channels", "<p>Kotak pengaduan di loket, SP4N-LAPOR!</p>"
        ),
        staff_count="2 orang",
        facilities="<p>Ruang tunggu, loket, komputer</p>",
        **extra,
    )
    service.required_documents = [
        RequiredDocument(
            key=f"doc{i}",
            name=["Surat pengantar desa/kelurahan", "Fotokopi KTP", "Fotokopi KK"][i % 3]
            + ("" if i < 3 else f" {i}"),
            form=DocumentForm.COPY if i else DocumentForm.ORIGINAL,
            copies=1 + (i % 2),
            is_mandatory=i != 2,
            condition="bagi yang dikuasakan" if i == 2 else "",
        )
        for i in range(documents)
    ]
    service.procedure_steps = [
        ProcedureStep(
            title=f"Langkah {i + 1}",
            role=[StepRole.APPLICANT, StepRole.FRONT_OFFICE, StepRole.CAMAT][i % 3],
            duration_value=10,
            duration_unit="minutes",
        )
        for i in range(steps)
    ]
    service.legal_basis = [ServiceLegalBasis(instrument=legal_basis, article="Pasal 3")]
    service.kecamatan_overrides = list(overrides)
    service.slug = extra.get("slug") or slugify(service.title)[:60] or code
    catalog_index().add_child(instance=service)
    service.save_revision().publish()
    return ServicePage.objects.get(pk=service.pk)


def catalog_index() -> ServiceIndexPage:
    """The catalog page at ``/layanan/`` under the site's home page, created if missing."""
    existing = ServiceIndexPage.objects.order_by("path").first()
    if existing is not None:
        return existing
    home = Site.objects.get(is_default_site=True).root_page
    index = ServiceIndexPage(title="Layanan", slug="layanan", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return ServiceIndexPage.objects.get(pk=index.pk)


def service_post_data(
    *, total=(1, "hours"), steps=((20, "minutes"), (30, "minutes")), documents=None, initial=0
):
    """The admin editor's POST for a new service (one document, two steps).

    ``documents`` are the required-document rows (no key: the editor generates it);
    ``initial`` counts the rows that exist already (they carry their ``id``)."""
    documents = documents or [{"name": "KTP", "form": "fotokopi"}]
    category = ServiceCategoryFactory()
    instrument = LegalInstrumentFactory()
    return nested_form_data(
        {
            "title": "Surat keterangan baru",
            "slug": "surat-keterangan-baru",
            "code": "baru",
            "category": category.pk,
            "field": "non_perizinan",
            "summary": "Ringkasan.",
            "duration_value": total[0],
            "duration_unit": total[1],
            "clock_starts_when_complete": "on",
            "fee_kind": "free",
            "product": "Surat",
            "complaint_channels": rich_text("Kotak pengaduan"),
            "procedure_notes": rich_text(""),
            "facilities": rich_text(""),
            "staff_competence": rich_text(""),
            "internal_supervision": rich_text(""),
            "service_guarantee": rich_text(""),
            "safety_guarantee": rich_text(""),
            "performance_evaluation": rich_text(""),
            "required_documents": inline_formset(
                [
                    {"copies": 1, "is_mandatory": "on", "max_file_size_mb": 5, **row}
                    for row in documents
                ],
                initial=initial,
            ),
            "procedure_steps": inline_formset(
                [
                    {
                        "title": f"Langkah {i}",
                        "role": "loket",
                        "duration_value": v,
                        "duration_unit": u,
                    }
                    for i, (v, u) in enumerate(steps)
                ]
            ),
            "legal_basis": inline_formset([{"instrument": instrument.pk, "article": ""}]),
            "kecamatan_overrides": inline_formset([]),
        }
    )
