"""Public read API of the IKM results (open data): what the public IKM page shows.

``GET /api/ikm/`` lists the published periods; ``GET /api/ikm/<slug>/`` gives one
period (``?kecamatan=<code>`` for one kecamatan). Both read
``reporting.survey.publication.ikm_publication``, like the page and the CSV.

Numbers: counts are integers; every index and average is a **decimal string with a
fixed number of decimals**, rounded half-up exactly as the page shows it (``ikm`` 4,
``ikm_konversi`` and converted unsur values 2, ``nrr`` 3, percentages 1) and with a
point as decimal separator, so no client re-rounds a binary float. ``null`` means
nobody answered. Suggestions and anything about a single respondent are never served.
"""

from django.urls import path, reverse
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from paten.regions.selectors import installation_kecamatan
from reporting.models import FollowUpPlan, SurveySettings
from reporting.survey.ikm import UNSUR
from reporting.survey.publication import ikm_publication
from reporting.survey.selectors import published_periods
from service_catalog.api import NOT_FOUND, PublicApi, RegionSerializer
from service_catalog.selectors import kecamatan_by_code


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


class PeriodSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(source="__str__")
    kind = serializers.CharField(help_text="triwulan, semester, tahun or khusus")
    kind_label = serializers.CharField(source="get_kind_display")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    url = serializers.SerializerMethodField(help_text="This period in the API.")
    page_url = serializers.SerializerMethodField(help_text="The public results page.")
    csv_url = serializers.SerializerMethodField(help_text="The results as CSV.")

    def get_url(self, period) -> str:
        return _absolute(
            self.context.get("request"), reverse("reporting:api_ikm_period", args=[period.slug])
        )

    def get_page_url(self, period) -> str:
        return _absolute(
            self.context.get("request"), reverse("reporting:ikm_period", args=[period.slug])
        )

    def get_csv_url(self, period) -> str:
        return _absolute(
            self.context.get("request"), reverse("reporting:ikm_csv", args=[period.slug])
        )


def _decimal(places: int, help_text: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=places + 3,
        decimal_places=places,
        coerce_to_string=True,
        help_text=f"{help_text} Decimal string with {places} decimals.",
        **kwargs,
    )


class UnsurSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Unsur key, e.g. persyaratan.")
    code = serializers.CharField(help_text="Questionnaire number, U1…U9.")
    name = serializers.CharField()
    nrr = _decimal(3, "Average value (NRR) on the 1–4 scale.")
    nilai_konversi = _decimal(2, "NRR × 25, on the 25–100 scale.", source="converted")
    mutu = serializers.CharField(help_text="A, B, C or D (PermenPAN-RB 14/2017).")
    weak = serializers.BooleanField(help_text="Mutu C or D: needs improvement.")


class TemplateVariantSerializer(serializers.Serializer):
    """The 0,111 template variant, offered only beside the exact figure (never instead)."""

    weight = serializers.SerializerMethodField(help_text="Always 0.111.")
    ikm = _decimal(4, "IKM with the template weight 0.111, 1–4 scale.", source="template_ikm")
    ikm_konversi = _decimal(
        2, "IKM with the template weight 0.111, 25–100 scale.", source="template_ikm_konversi"
    )
    mutu = serializers.CharField(source="template_mutu")
    kinerja = serializers.CharField(source="template_kinerja")

    def get_weight(self, figure) -> str:
        return "0.111"


class FigureSerializer(serializers.Serializer):
    """The IKM of one slice (the kabupaten/kota, a kecamatan or a service)."""

    level = serializers.CharField(help_text="kabupaten_kota, kecamatan or layanan")
    code = serializers.CharField(help_text="Region code, or the service code.")
    name = serializers.CharField()
    respondents = serializers.IntegerField()
    population = serializers.IntegerField(help_text="Applications finished in the period.")
    min_sample = serializers.IntegerField(help_text="Krejcie–Morgan minimum for the population.")
    adequate = serializers.BooleanField(help_text="respondents ≥ min_sample")
    ikm = _decimal(
        4, "IKM on the 1–4 scale (weight 1/9); null without respondents.", allow_null=True
    )
    ikm_konversi = _decimal(
        2, "IKM unit pelayanan on the 25–100 scale; null without respondents.", allow_null=True
    )
    mutu = serializers.CharField(help_text="A, B, C or D; empty without respondents.")
    kinerja = serializers.CharField(
        help_text="Kinerja unit pelayanan in the regulation's words (Sangat baik, Baik, "
        "Kurang baik, Tidak baik); empty without respondents."
    )


class FigureDetailSerializer(FigureSerializer):
    unsur = UnsurSerializer(many=True, help_text="U1…U9; empty without respondents.")
    template_0111 = serializers.SerializerMethodField(
        help_text="Only when the pemda reports the 0,111 template variant; else null."
    )

    @extend_schema_field(TemplateVariantSerializer(allow_null=True))
    def get_template_0111(self, figure) -> dict | None:
        if figure.template is None:
            return None
        return TemplateVariantSerializer(figure).data


class ProfileRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Choice value; empty for “not stated”.")
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = _decimal(1, "Share of the respondents, percent.", allow_null=True)


class ProfileGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="gender, age, education or occupation")
    title = serializers.CharField()
    rows = ProfileRowSerializer(many=True)


class TrendPointSerializer(serializers.Serializer):
    period = serializers.SlugField(source="period.slug")
    name = serializers.CharField(source="period.__str__")
    respondents = serializers.IntegerField(source="figure.respondents")
    ikm = _decimal(4, "IKM, 1–4 scale.", source="figure.ikm", allow_null=True)
    ikm_konversi = _decimal(2, "IKM, 25–100 scale.", source="figure.ikm_konversi", allow_null=True)
    mutu = serializers.CharField(source="figure.mutu")


class FollowUpSerializer(serializers.ModelSerializer):
    kecamatan = serializers.CharField(
        source="kecamatan_id", allow_null=True, help_text="null: the whole kabupaten/kota."
    )
    unsur_code = serializers.SerializerMethodField()
    unsur_label = serializers.CharField(source="get_unsur_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = FollowUpPlan
        fields = [
            "kecamatan",
            "unsur",
            "unsur_code",
            "unsur_label",
            "action",
            "responsible",
            "target_date",
            "status",
            "status_label",
        ]

    def get_unsur_code(self, plan) -> str:
        return f"U{UNSUR[plan.unsur].questionnaire_number}" if plan.unsur in UNSUR else ""


class PublicationSerializer(serializers.Serializer):
    period = PeriodSerializer()
    kecamatan = RegionSerializer(allow_null=True, help_text="The kecamatan view, or null.")
    weight = serializers.SerializerMethodField(help_text="Weight per unsur: 1/9 (exact).")
    figure = FigureDetailSerializer(help_text="The kabupaten/kota, or the chosen kecamatan.")
    kabupaten_kota = FigureSerializer(source="area")
    kecamatan_list = FigureSerializer(source="by_kecamatan", many=True)
    services = FigureSerializer(
        many=True,
        help_text="Only services with an adequate sample and enough respondents to publish.",
    )
    services_withheld = serializers.IntegerField()
    trend = TrendPointSerializer(many=True, help_text="Periods of the same kind, oldest first.")
    profile = ProfileGroupSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True, help_text="Kabupaten/kota-wide plans.")
    kecamatan_follow_ups = FollowUpSerializer(many=True, help_text="The kecamatan's own plans.")

    def get_weight(self, publication) -> str:
        return "1/9"


KECAMATAN_PARAMETER = OpenApiParameter(
    "kecamatan", OpenApiTypes.STR, description="Kemendagri code of a kecamatan, e.g. 64.74.01"
)
SLUG_PARAMETER = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Period slug, e.g. 2026-tw4"
)


class IkmPeriodListApi(PublicApi):
    serializer_class = PeriodSerializer
    pagination_class = None

    @extend_schema(operation_id="ikm_periods_list", responses=PeriodSerializer(many=True))
    def get(self, request):
        return Response(self.get_serializer(published_periods(), many=True).data)


class IkmPeriodDetailApi(PublicApi):
    serializer_class = PublicationSerializer

    @extend_schema(
        operation_id="ikm_period_retrieve",
        parameters=[SLUG_PARAMETER, KECAMATAN_PARAMETER],
        # A period not published, or a kecamatan code that is none of the installation's.
        responses={200: PublicationSerializer, 404: NOT_FOUND},
    )
    def get(self, request, slug: str):
        period = published_periods().filter(slug=slug).first()
        if period is None:
            raise NotFound(_("There are no published survey results for this period."))
        everywhere = installation_kecamatan()
        kecamatan = None
        code = str(request.query_params.get("kecamatan", "")).strip()
        if code:
            kecamatan = kecamatan_by_code(code[:20], all_kecamatan=everywhere)
            if kecamatan is None:
                raise NotFound(_("Unknown kecamatan code."))
        publication = ikm_publication(
            period=period,
            kecamatan=kecamatan,
            config=SurveySettings.load(request_or_site=request),
            all_kecamatan=everywhere,
        )
        return Response(self.get_serializer(publication).data)


# Mounted under /api/ by reporting.urls; also listed in the OpenAPI schema (paten.api_urls).
data_patterns = [
    path("ikm/", IkmPeriodListApi.as_view(), name="api_ikm_periods"),
    # Any segment (not only a slug) so that a malformed one gets the JSON 404 too.
    path("ikm/<str:slug>/", IkmPeriodDetailApi.as_view(), name="api_ikm_period"),
]
