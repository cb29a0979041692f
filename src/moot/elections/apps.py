from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "moot.elections"
    label = "elections"
    verbose_name = "Elections"

    def ready(self) -> None:
        # Registers the rules predicates "elections.*".
        from moot.elections import permissions  # noqa: F401
        from moot.elections.dashboard import nominations_panel
        from moot.elections.queries import item_links, minutes_section
        from moot.meetings import hooks
        from moot.site.dashboard import PANELS
        from moot.site.navigation import NAV

        NAV.append(("elections:list", "Elections", None))
        PANELS.append(nominations_panel)
        hooks.register_minutes_section("elections", 70, minutes_section)
        hooks.register_item_links(item_links)
        from moot.elections.providers import ballot_details
        from moot.polls.hooks import register_option_details

        register_option_details(ballot_details)  # candidates' statements on the ballot
        from moot.elections.providers import poll_subjects
        from moot.polls.hooks import register_subject

        register_subject(poll_subjects)  # the poll's page links to its election
        from moot.elections.providers import refuse_a_candidate_closing
        from moot.polls.hooks import register_after_close

        register_after_close(refuse_a_candidate_closing)  # a candidate does not close their own
        from moot.elections.providers import declared_on_poll
        from moot.polls.hooks import register_declared

        register_declared(declared_on_poll)  # the poll's result shows who was declared
        from moot.elections.chair_console import chair_stands, unfinished_elections

        # The chair's console: elections not finished, and a chair standing in one hands over.
        hooks.register_unfinished_business(unfinished_elections)
        hooks.register_chair_conflicts(chair_stands)
