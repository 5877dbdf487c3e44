"""Public read API of the catalog (open data): what the public pages show, nothing more.

No personal data is served here. Filters are the public index's (``q``, ``kecamatan``,
``kategori``, ``bidang``, ``biaya``); the OpenAPI schema is at ``/api/schema/``.
Unlike the HTML index, which ignores what it does not understand, the API refuses a
malformed parameter with 400 and says why, and a filter naming a kecamatan or category
that does not exist matches nothing. Every status an endpoint answers is in the schema.
"""

from django.urls import path
from wagtail.rich_text import expand_db_html

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from paten.regions.selectors import installation_kecamatan
from paten.site.models import SiteSettings
from paten.site.selectors import service_hours

from .constants import ServiceField
from .models import LegalInstrument, ServiceCategory
from .selectors import (
    FEE_FREE,
    FEE_PAID,
    CatalogEntry,
    catalog_entries,
    catalog_filters_from,
    fee_label,
    kecamatan_by_code,
    kecamatan_offering,
    service_detail_queryset,
    standard_for,
)


class PublicApi(GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object (or page).")
BAD_PARAMETERS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="A query parameter is malformed; each refused parameter with its messages.",
)


def validated_query(request, serializer_class) -> dict:
    """The request's query parameters checked by ``serializer_class``; 400 if malformed."""
    serializer = serializer_class(data=request.query_params)
    if not serializer.is_valid():
        raise ValidationError(serializer.errors)
    return serializer.validated_data


class QueryIntegerField(serializers.IntegerField):
    """An integer query parameter: absent is fine, present but empty is malformed.

    DRF reads an empty value of an optional field from a QueryDict as absent; here
    ``?halaman=`` is refused like ``?halaman=abc``.
    """

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, serializers.empty)


class QueryTextField(serializers.CharField):
    """Free search text: control characters (NUL included) are dropped, not refused,
    as the public index does (``selectors.catalog_filters_from``)."""

    def to_internal_value(self, data):
        # The length limit is the schema's: it counts what was sent, before the control
        # characters and surrounding spaces are dropped.
        if self.max_length is not None and len(str(data)) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        text = super().to_internal_value(data)
        return "".join(ch for ch in text if ch.isprintable())


class PageQuerySerializer(serializers.Serializer):
    halaman = QueryIntegerField(required=False, min_value=1, max_value=1_000_000)
    per_halaman = QueryIntegerField(required=False, min_value=1, max_value=200)


class CatalogPagination(PageNumberPagination):
    page_size = 50
    page_query_param = "halaman"
    max_page_size = 200
    page_size_query_param = "per_halaman"

    def paginate_queryset(self, queryset, request, view=None):
        validated_query(request, PageQuerySerializer)  # 400 before DRF's lenient parsing
        return super().paginate_queryset(queryset, request, view=view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": 1_000_000},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["slug", "name", "description"]


class LegalInstrumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    citation = serializers.CharField(source="__str__")
    replaced_by = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = LegalInstrument
        fields = [
            "id",
            "citation",
            "kind",
            "kind_label",
            "number",
            "year",
            "title",
            "signed_on",
            "effective_from",
            "effective_until",
            "status",
            "status_label",
            "replaced_by",
            "document_url",
        ]

    def get_replaced_by(self, obj) -> str | None:
        return str(obj.replaced_by_id) if obj.replaced_by_id else None

    def get_document_url(self, obj) -> str | None:
        if not obj.document_id:
            return None
        request = self.context.get("request")
        url = obj.document.url
        return request.build_absolute_uri(url) if request else url


class DurationSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    unit = serializers.CharField()
    label = serializers.CharField()


class ServiceListSerializer(serializers.Serializer):
    """One catalog entry (a service, with the kecamatan offering it)."""

    code = serializers.CharField(source="service.code")
    title = serializers.CharField(source="service.title")
    summary = serializers.CharField(source="service.summary")
    url = serializers.SerializerMethodField()
    category = CategorySerializer(source="service.category")
    field = serializers.CharField(source="service.field")
    fee_kind = serializers.CharField(source="service.fee_kind")
    fee_amount = serializers.DecimalField(
        source="service.fee_amount", max_digits=14, decimal_places=0, allow_null=True
    )
    fee_label = serializers.SerializerMethodField()
    duration = serializers.SerializerMethodField()
    product = serializers.CharField(source="service.product")
    offered_in = RegionSerializer(many=True)

    def get_url(self, entry) -> str:
        request = self.context.get("request")
        url = entry.service.get_url(request=request) or ""
        return request.build_absolute_uri(url) if request else url

    def get_fee_label(self, entry) -> str:
        return fee_label(entry.service)

    @extend_schema_field(DurationSerializer)
    def get_duration(self, entry) -> dict:
        standard = entry.standard
        return {
            "value": standard.duration_value,
            "unit": standard.duration_unit,
            "label": standard.duration_unit_label,
        }


class RequiredDocumentSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    form = serializers.CharField()
    form_label = serializers.CharField(source="get_form_display")
    copies = serializers.IntegerField()
    is_mandatory = serializers.BooleanField()
    condition = serializers.CharField()


class ProcedureStepSerializer(serializers.Serializer):
    title = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    duration_value = serializers.IntegerField()
    duration_unit = serializers.CharField()
    description = serializers.CharField()


class LegalBasisSerializer(serializers.Serializer):
    instrument = LegalInstrumentSerializer()
    article = serializers.CharField()


RICH_TEXT_FIELDS = [
    "procedure_notes",
    "complaint_channels",
    "facilities",
    "staff_competence",
    "internal_supervision",
    "service_guarantee",
    "safety_guarantee",
    "performance_evaluation",
]


class ServiceDetailSerializer(ServiceListSerializer):
    """The whole standar pelayanan (14 components) as it applies in a kecamatan."""

    kecamatan = RegionSerializer(source="standard.kecamatan", allow_null=True)
    clock_starts_when_complete = serializers.BooleanField(
        source="service.clock_starts_when_complete"
    )
    service_hours = serializers.SerializerMethodField(
        help_text="The kecamatan office's service hours with the time zone (WIB/WITA/WIT)."
    )
    fee_description = serializers.CharField(source="service.fee_description")
    fee_legal_basis = LegalInstrumentSerializer(source="service.fee_legal_basis", allow_null=True)
    required_documents = RequiredDocumentSerializer(
        source="service.required_documents.all", many=True
    )
    extra_requirements = serializers.ListField(
        source="standard.extra_requirements", child=serializers.CharField()
    )
    kecamatan_note = serializers.CharField(source="standard.note")
    procedure_steps = ProcedureStepSerializer(source="service.procedure_steps.all", many=True)
    legal_basis = LegalBasisSerializer(source="service.legal_basis.all", many=True)
    staff_count = serializers.CharField(source="service.staff_count")
    rich_text = serializers.SerializerMethodField(
        help_text="HTML of the rich-text components, by field name."
    )
    effective_from = serializers.DateField(source="service.effective_from", allow_null=True)
    effective_until = serializers.DateField(source="service.effective_until", allow_null=True)
    version_published_at = serializers.DateTimeField(source="service.last_published_at")

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string"}, "description": "HTML"}
    )
    def get_rich_text(self, entry) -> dict:
        return {
            name: expand_db_html(getattr(entry.service, name) or "") for name in RICH_TEXT_FIELDS
        }

    def get_service_hours(self, entry) -> str:
        request = self.context.get("request")
        hours = service_hours(
            site_settings=SiteSettings.for_request(request) if request is not None else None,
            kecamatan_code=getattr(entry.standard.kecamatan, "code", None),
        )
        return "; ".join(f"{line} {hours.zone}" for line in hours.lines)


KECAMATAN_CODE = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"


class KecamatanQuerySerializer(serializers.Serializer):
    kecamatan = serializers.RegexField(
        KECAMATAN_CODE,
        required=False,
        allow_blank=True,
        help_text="Kemendagri code of a kecamatan, e.g. 64.74.01",
    )


class CatalogQuerySerializer(KecamatanQuerySerializer):
    q = QueryTextField(required=False, allow_blank=True, max_length=100, help_text="Search text")
    kategori = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=ServiceCategory._meta.get_field("slug").max_length,
        help_text="Category slug",
    )
    bidang = serializers.ChoiceField(ServiceField.values, required=False, allow_blank=True)
    biaya = serializers.ChoiceField([FEE_FREE, FEE_PAID], required=False, allow_blank=True)


def _query_parameters(serializer_class) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(name, _parameter_type(field), description=str(field.help_text or ""))
        for name, field in serializer_class().fields.items()
    ]


def _parameter_type(field) -> dict:
    if isinstance(field, serializers.ChoiceField):
        return {"type": "string", "enum": ["", *field.choices]}
    if isinstance(field, serializers.RegexField):
        # Blank means "no filter".
        return {"type": "string", "pattern": f"{field.validators[-1].regex.pattern}|^$"}
    if isinstance(field, serializers.SlugField):
        return {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$", "maxLength": field.max_length}
    return {"type": "string", "maxLength": field.max_length or 100}


class ServiceListApi(ListModelMixin, PublicApi):
    serializer_class = ServiceListSerializer
    pagination_class = CatalogPagination

    def get_queryset(self):
        query = validated_query(self.request, CatalogQuerySerializer)
        everywhere = installation_kecamatan()
        filters = catalog_filters_from(query, all_kecamatan=everywhere)
        unknown_kecamatan = query.get("kecamatan") and filters.kecamatan is None
        unknown_category = query.get("kategori") and filters.category is None
        if unknown_kecamatan or unknown_category:
            return []  # a filter naming nothing that exists matches nothing
        return catalog_entries(filters=filters, all_kecamatan=everywhere)

    @extend_schema(
        parameters=_query_parameters(CatalogQuerySerializer),
        operation_id="services_list",
        responses={200: ServiceListSerializer(many=True), 400: BAD_PARAMETERS, 404: NOT_FOUND},
    )
    def get(self, request):
        return self.list(request)


class ServiceDetailApi(PublicApi):
    serializer_class = ServiceDetailSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code",
                {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"},
                OpenApiParameter.PATH,
                description="Service code",
            ),
            *_query_parameters(KecamatanQuerySerializer),
        ],
        operation_id="services_retrieve",
        responses={200: ServiceDetailSerializer, 400: BAD_PARAMETERS, 404: NOT_FOUND},
    )
    def get(self, request, code: str):
        query = validated_query(request, KecamatanQuerySerializer)
        service = service_detail_queryset().filter(code=code).first()
        if service is None:
            raise NotFound
        everywhere = installation_kecamatan()
        offered = kecamatan_offering(service, all_kecamatan=everywhere)
        kecamatan = None
        kecamatan_code = query.get("kecamatan", "")
        if kecamatan_code:
            kecamatan = kecamatan_by_code(kecamatan_code, all_kecamatan=everywhere)
            if kecamatan is None or kecamatan.code not in {r.code for r in offered}:
                raise NotFound
        entry = CatalogEntry(
            service=service, offered_in=offered, standard=standard_for(service, kecamatan)
        )
        return Response(self.get_serializer(entry).data)


class CategoryListApi(PublicApi):
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = ServiceCategory.objects.all()

    @extend_schema(responses={200: CategorySerializer(many=True)})
    def get(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class LegalInstrumentListApi(ListModelMixin, PublicApi):
    serializer_class = LegalInstrumentSerializer
    pagination_class = CatalogPagination
    queryset = LegalInstrument.objects.select_related("document")

    @extend_schema(
        responses={
            200: LegalInstrumentSerializer(many=True),
            400: BAD_PARAMETERS,
            404: NOT_FOUND,
        }
    )
    def get(self, request):
        return self.list(request)


data_patterns = [
    path("layanan/", ServiceListApi.as_view(), name="api_services"),
    # Any text up to the next slash: a code that is no slug gets the API's JSON 404,
    # not the site's HTML one.
    path("layanan/<str:code>/", ServiceDetailApi.as_view(), name="api_service"),
    path("kategori/", CategoryListApi.as_view(), name="api_categories"),
    path("dasar-hukum/", LegalInstrumentListApi.as_view(), name="api_legal_instruments"),
]

urlpatterns = [
    *data_patterns,
    path(
        "schema/",
        SpectacularJSONAPIView.as_view(
            # Every app's public read API (paten.api_urls), imported when the schema is built.
            urlconf="paten.api_urls",
            authentication_classes=[],
            permission_classes=[AllowAny],
        ),
        name="api_schema",
    ),
]


def public_api_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document the public read API only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
