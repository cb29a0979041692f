from django.urls import path

from moot.elections import views

app_name = "elections"
urlpatterns = [
    path("elections/", views.election_list, name="list"),
    path("elections/new/", views.create, name="create"),
    path("elections/<int:election_id>/", views.detail, name="detail"),
    path("elections/<int:election_id>/ballot/", views.ballot, name="ballot"),
    path("elections/<int:election_id>/ballot/status/", views.ballot_status, name="ballot_status"),
    path("elections/<int:election_id>/constraints.con", views.constraints, name="constraints"),
    path("elections/<int:election_id>/nominate/", views.nominate, name="nominate"),
    path("elections/<int:election_id>/open/", views.open_vote, name="open"),
    path("elections/<int:election_id>/close/", views.close_vote, name="close"),
    path("elections/<int:election_id>/declare/", views.declare, name="declare"),
    path("elections/nominations/<int:nomination_id>/", views.nomination, name="nomination"),
    path("elections/nominations/<int:nomination_id>/second/", views.second, name="second"),
    path("elections/nominations/<int:nomination_id>/withdraw/", views.withdraw, name="withdraw"),
]
