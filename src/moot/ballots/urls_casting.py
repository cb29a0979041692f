"""The casting, papers and turnout pages (no app_name: the "ballots" namespace)."""

from django.urls import path

from moot.ballots import views_casting as v

urlpatterns = [
    path("<int:ballot_id>/vote/", v.vote, name="vote"),
    path("<int:ballot_id>/vote/c/<str:credential>/", v.vote_link, name="vote_link"),
    path("<int:ballot_id>/vote/ballot/", v.vote_ballot, name="vote_ballot"),
    path("<int:ballot_id>/vote/done/", v.vote_done, name="vote_done"),
    path("<int:ballot_id>/papers/key/", v.papers_key, name="papers_key"),
    path(
        "<int:ballot_id>/papers/discrepancies/",
        v.papers_discrepancies,
        name="papers_discrepancies",
    ),
    path("<int:ballot_id>/turnout/", v.turnout, name="turnout"),
]
