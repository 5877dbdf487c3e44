"""Public read API of the DIP (open data): what the public pages show, nothing more.

Filters are the public list's (``q``, ``kelas``, ``kategori``, ``tahun``, ``unit``); an
exempt entry gives its exception (ground, article, period), never its summary or
documents. Documented in the OpenAPI schema at ``/api/schema/``. As the catalog API: a
malformed parameter is refused with 400 naming it, a filter naming a category or unit
that does not exist matches nothing, and every status an endpoint answers is documented.
"""

import uuid

from django.urls import path, reverse

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from service_catalog.api import (
    BAD_PARAMETERS,
    NOT_FOUND,
    CatalogPagination,
    PublicApi,
    validated_query,
)

from .constants import InformationClass
from .models import PpidSettings
from .selectors import (
    UNIT_PEMDA,
    dip_filters_from,
    dip_public_entries,
    dip_public_entry,
)


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kemendagri code of the kecamatan, or 'pemda'.")
    name = serializers.CharField()


class ExemptionSerializer(serializers.Serializer):
    number = serializers.CharField()
    ground = serializers.CharField(source="ground.name")
    article = serializers.CharField(source="ground.article")
    consequence = serializers.CharField()
    decided_on = serializers.DateField()
    exempt_until = serializers.DateField()


class DocumentSerializer(serializers.Serializer):
    title = serializers.CharField(source="label")
    url = serializers.SerializerMethodField()

    def get_url(self, item) -> str:
        request = self.context.get("request")
        url = item.document.url if item.document_id else (item.page.get_url(request=request) or "")
        return request.build_absolute_uri(url) if request else url


class DipEntryListSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.SerializerMethodField()
    information_class = serializers.ChoiceField(choices=InformationClass.choices)
    information_class_label = serializers.CharField(source="get_information_class_display")
    category = serializers.CharField(source="category.name")
    unit = serializers.SerializerMethodField()
    holding_unit = serializers.CharField()
    responsible = serializers.CharField()
    produced_on = serializers.DateField(allow_null=True)
    produced_at = serializers.CharField()
    available_form = serializers.CharField(source="get_available_form_display")
    retention = serializers.CharField()
    year = serializers.IntegerField()
    updated_on = serializers.DateField(allow_null=True)
    exemption = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_summary(self, entry) -> str:
        return "" if entry.is_exempt else entry.summary

    def get_unit(self, entry) -> dict:
        if entry.kecamatan_id:
            return {"code": entry.kecamatan_id, "name": entry.kecamatan.name}
        return {"code": UNIT_PEMDA, "name": self.context["utama_unit"]}

    def get_exemption(self, entry) -> dict | None:
        if not entry.is_exempt or entry.consequence_test is None:
            return None
        return ExemptionSerializer(entry.consequence_test).data

    def get_url(self, entry) -> str:
        request = self.context.get("request")
        url = reverse("ppid:dip_detail", args=[entry.pk])
        return request.build_absolute_uri(url) if request else url


class DipEntryDetailSerializer(DipEntryListSerializer):
    documents = serializers.SerializerMethodField()

    def get_documents(self, entry) -> list[dict]:
        if entry.is_exempt:
            return []
        return DocumentSerializer(entry.documents.all(), many=True, context=self.context).data


UNIT_PATTERN = r"^([0-9]{2}\.[0-9]{2}\.[0-9]{2}|pemda)$"


class DipQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kelas = serializers.ChoiceField(InformationClass.values, required=False, allow_blank=True)
    kategori = serializers.SlugField(required=False, allow_blank=True, max_length=140)
    tahun = serializers.IntegerField(required=False, min_value=1945, max_value=2100)
    unit = serializers.RegexField(UNIT_PATTERN, required=False, allow_blank=True)


FILTER_PARAMETERS = [
    OpenApiParameter("q", {"type": "string", "maxLength": 100}, description="Search text"),
    OpenApiParameter(
        "kelas",
        {"type": "string", "enum": ["", *InformationClass.values]},
        description="Class of information (UU 14/2008)",
    ),
    OpenApiParameter(
        "kategori",
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$", "maxLength": 140},
        description="Category address name",
    ),
    OpenApiParameter(
        "tahun",
        {"type": "integer", "minimum": 1945, "maximum": 2100},
        description="Year of the information",
    ),
    OpenApiParameter(
        "unit",
        {"type": "string", "pattern": f"{UNIT_PATTERN}|^$"},
        description="Kemendagri code of a kecamatan, or 'pemda'",
    ),
]


class DipListApi(ListModelMixin, PublicApi):
    serializer_class = DipEntryListSerializer
    pagination_class = CatalogPagination

    def get_queryset(self):
        query = validated_query(self.request, DipQuerySerializer)
        filters = dip_filters_from(query)
        unknown_category = query.get("kategori") and filters.category is None
        unknown_unit = query.get("unit") and not filters.unit
        if unknown_category or unknown_unit:
            return []  # a filter naming nothing that exists matches nothing
        return dip_public_entries(filters=filters)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "utama_unit": PpidSettings.load().utama_unit}

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        operation_id="dip_list",
        responses={200: DipEntryListSerializer(many=True), 400: BAD_PARAMETERS, 404: NOT_FOUND},
    )
    def get(self, request):
        return self.list(request)


class DipDetailApi(PublicApi):
    serializer_class = DipEntryDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "utama_unit": PpidSettings.load().utama_unit}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id", {"type": "string"}, OpenApiParameter.PATH, description="Entry id (UUID)"
            )
        ],
        operation_id="dip_retrieve",
        responses={200: DipEntryDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: str):
        try:
            entry = dip_public_entry(pk=uuid.UUID(pk))
        except ValueError:
            entry = None
        if entry is None:
            raise NotFound
        return Response(self.get_serializer(entry).data)


data_patterns = [
    path("dip/", DipListApi.as_view(), name="api_dip"),
    # Any text up to the next slash: an id that is no UUID gets the API's JSON 404.
    path("dip/<str:pk>/", DipDetailApi.as_view(), name="api_dip_entry"),
]
