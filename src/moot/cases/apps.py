from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "moot.cases"
    label = "cases"
    verbose_name = "Complaints and cases"

    def ready(self) -> None:
        # Registers "cases.view_case", "cases.read_case_text", "cases.act_on_case",
        # "cases.manage_cases", "cases.list_cases", "cases.view_party_case".
        from django.core import checks

        from moot.cases import permissions  # noqa: F401
        from moot.cases.checks import case_key_check

        checks.register(case_key_check, "cases")

        from moot.cases.dashboard import member_complaints_panel, triage_alert_panel
        from moot.site.dashboard import PANELS
        from moot.site.navigation import NAV

        if ("cases:list", "Cases", "cases.list_cases") not in NAV:
            NAV.append(("cases:list", "Cases", "cases.list_cases"))
        for panel in (triage_alert_panel, member_complaints_panel):
            if panel not in PANELS:
                PANELS.append(panel)

        from moot.audit.redaction import register_withheld_rule
        from moot.cases.trail import case_events

        register_withheld_rule(case_events)

        from moot.audit.redaction import register_reader_rule
        from moot.cases.trail import case_events_for_reader

        register_reader_rule(case_events_for_reader)

        from moot.cases.hooks import register_case_panel
        from moot.cases.process_views import process_panel

        register_case_panel(process_panel)
