from django.urls import path

from moot.units import views

app_name = "units"
urlpatterns = [
    path("units/", views.unit_list, name="list"),
    path("units/<int:unit_id>/", views.unit_detail, name="detail"),
    path("units/<int:unit_id>/affiliations/", views.affiliation_create, name="affiliation_create"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("affiliations/", views.affiliation_list, name="affiliations"),
    path("affiliations/<int:affiliation_id>/end/", views.affiliation_end, name="affiliation_end"),
]
