"""Public read API of the DIP (open data): what the public pages show, nothing more.

Filters are the public list's (``q``, ``kelas``, ``kategori``, ``tahun``, ``unit``); an
exempt entry gives its exception (ground, article, period), never its summary or
documents. Documented in the OpenAPI schema at ``/api/schema/``.
"""

from django.http import Http404
from django.urls import path, reverse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .constants import InformationClass
from .models import PpidSettings
from .selectors import (
    UNIT_PEMDA,
    dip_filters_from,
    dip_public_entries,
    dip_public_entry,
)


class PublicApi(GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class DipPagination(PageNumberPagination):
    page_size = 50
    page_query_param = "halaman"
    max_page_size = 200
    page_size_query_param = "per_halaman"


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


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search text"),
    OpenApiParameter("kelas", OpenApiTypes.STR, enum=InformationClass.values),
    OpenApiParameter("kategori", OpenApiTypes.STR, description="Category address name"),
    OpenApiParameter("tahun", OpenApiTypes.INT, description="Year of the information"),
    OpenApiParameter(
        "unit", OpenApiTypes.STR, description="Kemendagri code of a kecamatan, or 'pemda'"
    ),
]


class DipListApi(ListModelMixin, PublicApi):
    serializer_class = DipEntryListSerializer
    pagination_class = DipPagination

    def get_queryset(self):
        return dip_public_entries(filters=dip_filters_from(self.request.query_params))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "utama_unit": PpidSettings.load().utama_unit}

    @extend_schema(parameters=FILTER_PARAMETERS, operation_id="dip_list")
    def get(self, request):
        return self.list(request)


class DipDetailApi(PublicApi):
    serializer_class = DipEntryDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "utama_unit": PpidSettings.load().utama_unit}

    @extend_schema(operation_id="dip_retrieve")
    def get(self, request, pk):
        entry = dip_public_entry(pk=pk)
        if entry is None:
            raise Http404
        return Response(self.get_serializer(entry).data)


data_patterns = [
    path("dip/", DipListApi.as_view(), name="api_dip"),
    path("dip/<uuid:pk>/", DipDetailApi.as_view(), name="api_dip_entry"),
]
