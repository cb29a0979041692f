from django.urls import path

from moot.motions import views

app_name = "motions"
urlpatterns = [
    path("motions/", views.index, name="index"),
    path("meetings/<int:meeting_id>/motions/", views.meeting_motions, name="meeting"),
    path("meetings/<int:meeting_id>/motions/new/", views.table_motion, name="table"),
    path("meetings/<int:meeting_id>/motions/composite/", views.composite, name="composite"),
    path("motions/<int:motion_id>/", views.detail, name="detail"),
    path("motions/<int:motion_id>/rule/", views.rule, name="rule"),
    path("motions/<int:motion_id>/amend/", views.amend, name="amend"),
    path("motions/<int:motion_id>/vote/", views.open_vote, name="open_vote"),
    path("motions/<int:motion_id>/vote/close/", views.close_vote, name="close_vote"),
    path("motions/<int:motion_id>/outcome/", views.record_outcome, name="record_outcome"),
    path("motions/<int:motion_id>/forward/", views.forward, name="forward"),
    path("motions/<int:motion_id>/withdraw/", views.withdraw, name="withdraw"),
    path("motions/<int:motion_id>/remit/", views.remit, name="remit"),
    path("motions/amendments/<int:amendment_id>/accept/", views.accept_amendment, name="accept"),
    path(
        "motions/amendments/<int:amendment_id>/withdraw/",
        views.withdraw_amendment,
        name="withdraw_amendment",
    ),
    path(
        "motions/amendments/<int:amendment_id>/vote/", views.amendment_vote, name="amendment_vote"
    ),
    path(
        "motions/amendments/<int:amendment_id>/vote/close/",
        views.close_amendment_vote,
        name="close_amendment_vote",
    ),
    path("motions/rulings/<int:ruling_id>/challenge/", views.challenge, name="challenge"),
    path(
        "motions/rulings/<int:ruling_id>/challenge/close/",
        views.close_challenge,
        name="close_challenge",
    ),
    path("units/<int:unit_id>/received-motions/", views.received, name="received"),
]
