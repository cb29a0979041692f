"""Nominations, candidates, endorsements and post-issue events (no app_name: the "ballots"
namespace)."""

from django.urls import path

from moot.ballots import views_nominations as v

urlpatterns = [
    path("<int:ballot_id>/nominations/", v.nominations, name="nominations"),
    path("<int:ballot_id>/nominations/record/", v.record_nomination, name="record_nomination"),
    path("<int:ballot_id>/candidates/<int:candidate_id>/", v.candidate, name="candidate"),
    path("<int:ballot_id>/candidates/<int:candidate_id>/consent/", v.consent, name="consent"),
    path("<int:ballot_id>/candidates/<int:candidate_id>/photo/", v.photo, name="photo"),
    path("<int:ballot_id>/endorsements/", v.endorsements, name="endorsements"),
    path("<int:ballot_id>/events/", v.events, name="events"),
]
