"""The roll, freeze, issue and credential pages (no app_name: the "ballots" namespace)."""

from django.urls import path

from moot.ballots import views_roll

urlpatterns = [
    path("<int:ballot_id>/freeze/", views_roll.freeze, name="freeze"),
    path("<int:ballot_id>/issue/", views_roll.issue, name="issue"),
    path("<int:ballot_id>/roll/", views_roll.roll, name="roll"),
    path("<int:ballot_id>/reissue/", views_roll.reissue, name="reissue"),
    path("<int:ballot_id>/my/", views_roll.my_entitlement, name="my"),
]
