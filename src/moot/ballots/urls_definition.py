"""Routes of the definition and officers pages (the "ballots" namespace, under /ballots/)."""

from django.urls import path

from moot.ballots import views_definition as v

urlpatterns = [
    path("", v.index, name="index"),
    path("new/", v.new, name="new"),
    path("<int:ballot_id>/", v.ballot_page, name="ballot"),
    path("<int:ballot_id>/manage/", v.manage, name="manage"),
    path("<int:ballot_id>/definition/", v.definition, name="definition"),
    path("<int:ballot_id>/officers/", v.officers, name="officers"),
]
