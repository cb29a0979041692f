"""The process's URLs, added to ``cases.urls`` (the ``cases`` namespace)."""

from django.urls import path

from moot.cases import process_views

urlpatterns = [
    path("cases/overdue/", process_views.overdue, name="overdue"),
    path("cases/training/", process_views.training, name="training"),
    path(
        "cases/mine/<int:case_id>/process/<slug:action>/",
        process_views.party_action,
        name="party_process",
    ),
    path(
        "cases/<int:case_id>/process/<slug:action>/",
        process_views.process_action,
        name="process",
    ),
]
