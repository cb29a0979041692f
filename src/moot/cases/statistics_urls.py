"""The public statistics pages of the complaints process (moot.site.urls includes them)."""

from __future__ import annotations

from django.urls import path

from moot.cases import retention_views, statistics_views, summary_views

app_name = "case_statistics"

urlpatterns = [
    path("cases/statistics/", statistics_views.statistics_page, name="latest"),
    path("cases/statistics/method/", statistics_views.methodology, name="method"),
    path("cases/decisions/", summary_views.published, name="summaries"),
    path("cases/summaries/", summary_views.summary_queue, name="summary_queue"),
    path(
        "cases/summaries/<int:summary_id>/approve/",
        summary_views.approve_summary,
        name="approve_summary",
    ),
    path("cases/<int:case_id>/summary/", summary_views.draft_summary, name="draft_summary"),
    path("cases/retention/", retention_views.retention_page, name="retention"),
    path("cases/retention/draw-up/", retention_views.draw_up_list, name="draw_up_list"),
    path("cases/retention/<int:list_id>/review/", retention_views.review_list, name="review_list"),
    path(
        "cases/retention/<int:list_id>/execute/",
        retention_views.execute_list,
        name="execute_list",
    ),
    path(
        "cases/<int:case_id>/retention/",
        retention_views.case_retention,
        name="case_retention",
    ),
    path("cases/subject-access/", retention_views.subject_access, name="subject_access"),
    path("cases/statistics/<str:quarter>/", statistics_views.statistics_page, name="quarter"),
    path("cases/statistics/<str:quarter>/csv", statistics_views.statistics_csv, name="csv"),
]
