from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.audit_public, name="audit_public"),
    path("audit/kunci-publik.txt", views.audit_public_key, name="audit_public_key"),
    path(
        "audit/<str:chain_id>/checkpoint.txt",
        views.audit_checkpoint_latest,
        name="audit_checkpoint_latest",
    ),
    path(
        "audit/<str:chain_id>/checkpoints.txt",
        views.audit_checkpoints_all,
        name="audit_checkpoints_all",
    ),
]
