"""The verifiable ballot's pages, under /ballots/<id>/verifiable/."""

from django.urls import path

from moot.verifiable import views as v
from moot.verifiable import views_trustees

app_name = "verifiable"
urlpatterns = [
    path("ballots/<int:ballot_id>/verifiable/setup/", v.setup, name="setup"),
    path("ballots/<int:ballot_id>/verifiable/vote/", v.vote, name="vote"),
    path("ballots/<int:ballot_id>/verifiable/board/", v.board_page, name="board"),
    path("ballots/<int:ballot_id>/verifiable/board.jsonl", v.board_jsonl, name="board_jsonl"),
    path("ballots/<int:ballot_id>/verifiable/election.json", v.election_json, name="election"),
    path("ballots/<int:ballot_id>/verifiable/audit/", v.audit, name="audit"),
    path(
        "ballots/<int:ballot_id>/verifiable/trustees/",
        views_trustees.trustees_page,
        name="trustees",
    ),
    path(
        "ballots/<int:ballot_id>/verifiable/trustees/voters.csv",
        views_trustees.voters_csv,
        name="voters_csv",
    ),
]
