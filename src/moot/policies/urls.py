from django.urls import path

from moot.policies import views

app_name = "policies"
urlpatterns = [
    path("policies/", views.index, name="index"),
    path("policies/units/<int:unit_id>/", views.unit_policies, name="unit"),
    path("policies/units/<int:unit_id>/decide/", views.national_decision, name="decide"),
    path("policies/<int:policy_id>/", views.detail, name="detail"),
    path("policies/versions/<int:version_id>/", views.version, name="version"),
    path("policies/proposals/<int:proposal_id>/", views.proposal, name="proposal"),
    path("policies/meetings/<int:meeting_id>/propose/", views.propose, name="propose"),
]
