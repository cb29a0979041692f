"""The public statistics pages of the complaints process (moot.site.urls includes them)."""

from __future__ import annotations

from django.urls import path

from moot.cases import statistics_views

app_name = "case_statistics"

urlpatterns = [
    path("cases/statistics/", statistics_views.statistics_page, name="latest"),
    path("cases/statistics/method/", statistics_views.methodology, name="method"),
    path("cases/statistics/<str:quarter>/", statistics_views.statistics_page, name="quarter"),
    path("cases/statistics/<str:quarter>/csv", statistics_views.statistics_csv, name="csv"),
]
