"""The close, count, scrutineer, declaration, results and countback pages (no app_name: the
"ballots" namespace)."""

from django.urls import path

from moot.ballots import views_results

urlpatterns = [
    path("<int:ballot_id>/close/", views_results.close, name="close"),
    path("<int:ballot_id>/count/", views_results.count, name="count"),
    path("<int:ballot_id>/scrutineer/", views_results.scrutineer_report, name="scrutineer"),
    path("<int:ballot_id>/declare/", views_results.declare, name="declare"),
    path("<int:ballot_id>/declare/record/", views_results.record_retry, name="record_retry"),
    path("<int:ballot_id>/results/", views_results.results_page, name="results"),
    path(
        "<int:ballot_id>/results/<str:name>",
        views_results.results_download,
        name="results_download",
    ),
    path("<int:ballot_id>/countback/", views_results.countback, name="countback"),
]
