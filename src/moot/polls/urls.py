from django.urls import path

from moot.polls import papers, views

app_name = "polls"
urlpatterns = [
    path("polls/", views.poll_list, name="list"),
    path("polls/<int:poll_id>/", views.detail, name="detail"),
    path("polls/<int:poll_id>/vote/", views.vote, name="vote"),
    path("polls/<int:poll_id>/vote/status/", views.vote_status, name="vote_status"),
    path("polls/<int:poll_id>/voted/", views.voted, name="voted"),
    path("polls/<int:poll_id>/turnout/", views.turnout_fragment, name="turnout"),
    path("polls/<int:poll_id>/open/", views.open_poll, name="open"),
    path("polls/<int:poll_id>/close/", views.close_poll, name="close"),
    path("polls/<int:poll_id>/tellers/", views.teller_counts, name="tellers"),
    path("polls/<int:poll_id>/projector/", views.projector, name="projector"),
    path(
        "polls/<int:poll_id>/projector/fragment/",
        views.projector_fragment,
        name="projector_fragment",
    ),
    path("polls/<int:poll_id>/chart.svg", views.chart, name="chart"),
    path("polls/<int:poll_id>/ballots/", views.download, name="download"),
    path("polls/<int:poll_id>/papers.pdf", papers.ballot_papers, name="papers"),
]
