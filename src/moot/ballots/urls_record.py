"""The published record and the print files (no app_name: the "ballots" namespace)."""

from django.urls import path

from moot.ballots import views_record

urlpatterns = [
    path("<int:ballot_id>/record/", views_record.record_page, name="record"),
    path("<int:ballot_id>/record.zip", views_record.record_zip, name="record_zip"),
    path("<int:ballot_id>/papers/print/", views_record.print_files, name="print_files"),
    path(
        "<int:ballot_id>/papers/print/<str:run>/<str:name>",
        views_record.print_download,
        name="print_download",
    ),
]
