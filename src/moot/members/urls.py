from django.urls import path

from moot.members import views

app_name = "members"
urlpatterns = [
    path("members/", views.member_list, name="list"),
    path("members/export.csv", views.member_export, name="export"),
    path("members/import/", views.member_import, name="import"),
    path("members/<int:member_id>/", views.member_detail, name="detail"),
    path("members/<int:member_id>/status/", views.member_change_status, name="change_status"),
    path("members/<int:member_id>/resign/", views.member_resign, name="resign"),
]
