from django.urls import path

from moot.members import contact_views, register_views, views

app_name = "members"
urlpatterns = [
    path("members/", views.member_list, name="list"),
    path("members/export.csv", views.member_export, name="export"),
    path("members/import/", views.member_import, name="import"),
    path("members/proposals/", register_views.proposals, name="proposals"),
    path(
        "members/<int:member_id>/register/",
        register_views.change_register_entry,
        name="change_register_entry",
    ),
    path(
        "members/proposals/<int:proposal_id>/decide/",
        register_views.decide,
        name="decide_proposal",
    ),
    path("members/<int:member_id>/", views.member_detail, name="detail"),
    path("members/<int:member_id>/edit/", contact_views.member_edit, name="edit"),
    path("members/me/details/", contact_views.my_details, name="my_details"),
    path("members/me/email/confirm/", contact_views.confirm_email, name="confirm_email_pending"),
    path("members/me/email/<str:secret>/", contact_views.open_email_link, name="confirm_email"),
    path("members/email/cancel/<str:secret>/", contact_views.cancel_email, name="cancel_email"),
    path("members/<int:member_id>/status/", views.member_change_status, name="change_status"),
    path("members/<int:member_id>/resign/", views.member_resign, name="resign"),
]
