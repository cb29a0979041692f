"""The ballots pages. Each topic keeps its routes in its own ``urls_<topic>.py`` (no app_name
there: they take this namespace, "ballots")."""

from django.urls import include, path  # noqa: F401 - the topics below add their includes

app_name = "ballots"
urlpatterns = [
    # -- definition, officers and the ballot's life
    # -- nominations, candidates, endorsements and post-issue events
    # -- roll, freeze, issue and credentials
    # -- deliveries
    # -- casting and papers
    # -- close, count, scrutineer, declaration, countback
    # -- the published record and print files
]
