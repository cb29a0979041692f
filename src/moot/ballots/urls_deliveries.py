"""The delivery dashboard (no app_name: the "ballots" namespace)."""

from django.urls import path

from moot.ballots import views_deliveries

urlpatterns = [
    path("<int:ballot_id>/deliveries/", views_deliveries.dashboard, name="deliveries"),
]
