"""Audit verbs follow one rule (moot.audit.verbs): every app's verbs are an ``AuditVerb`` enum
of ``<app_label>.<name>``, and every action ``do_<name>`` records ``<app_label>.<name>`` from
that enum, or hands off to an action that records one. Read from the source (AST), so a new
action that forgets its audit event fails here before any test of its own is written."""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from moot.audit.verbs import check_verb, verb_for_action, verb_problem, with_former

SRC = Path(__file__).resolve().parents[1] / "src" / "moot"


def action_modules() -> dict[str, list[Path]]:
    """app label -> its actions modules (``actions.py`` or the ``actions/`` package), for the
    apps that have actions (``audit.actions`` holds ``record`` itself)."""
    apps: dict[str, list[Path]] = {}
    for app in sorted(p for p in SRC.iterdir() if p.is_dir()):
        modules = sorted((app / "actions").glob("*.py")) if (app / "actions").is_dir() else []
        if (app / "actions.py").exists():
            modules.append(app / "actions.py")
        if any("\ndef do_" in path.read_text() for path in modules):
            apps[app.name] = modules
    return apps


def helper_modules(app: str) -> list[Path]:
    """The app's modules an action may record through (its actions, imports, tasks ...): all
    but pages, API, admin and forms, whose functions are not helpers of actions."""
    skip = {"views", "api", "admin", "forms", "urls", "migrations", "templatetags", "management"}
    return sorted(
        path
        for path in (SRC / app).rglob("*.py")
        if not skip & {part.removesuffix(".py") for part in path.relative_to(SRC / app).parts}
    )


def enum_values(app_label: str) -> dict[str, str]:
    """``AuditVerb`` member name -> value for the app (empty when it has no enum)."""
    try:
        module = importlib.import_module(f"moot.{app_label}.audit_verbs")
    except ModuleNotFoundError:
        return {}
    return {member.name: member.value for member in module.AuditVerb}


@dataclass
class Function:
    app: str
    name: str
    where: str
    verbs: set[str] = field(default_factory=set)  # what its record() calls name
    calls: set[str] = field(default_factory=set)  # names it calls


def _verbs_of(
    expr: ast.expr, enum: dict[str, str], constants: dict[str, str], where: str
) -> set[str]:
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        if expr.attr not in enum:
            return {f"<{expr.value.id}.{expr.attr}, not in the app's AuditVerb ({where})>"}
        return {enum[expr.attr]}
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.Name) and expr.id in constants:
        return {constants[expr.id]}
    if isinstance(expr, ast.IfExp):
        return _verbs_of(expr.body, enum, constants, where) | _verbs_of(
            expr.orelse, enum, constants, where
        )
    return {f"<unreadable verb {ast.unparse(expr)} ({where})>"}


def read_functions(app: str, label: str, source: str, enum: dict[str, str]) -> list[Function]:
    tree = ast.parse(source, label)
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    functions = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        function = Function(app, node.name, f"{label}:{node.lineno}")
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            callee = call.func
            name = (
                callee.id
                if isinstance(callee, ast.Name)
                else callee.attr
                if isinstance(callee, ast.Attribute)
                else ""
            )
            if name == "record":
                for keyword in call.keywords:
                    if keyword.arg == "verb":
                        where = f"{label}:{call.lineno}"
                        function.verbs |= _verbs_of(keyword.value, enum, constants, where)
            elif name:
                function.calls.add(name)
        functions.append(function)
    return functions


def problems(
    sources: dict[str, list[tuple[str, str]]], enums: dict[str, dict[str, str]]
) -> list[str]:
    """What breaks the rule in ``sources`` (app -> [(label, source of an actions module)])."""
    functions = [
        function
        for app, modules in sources.items()
        for label, source in modules
        for function in read_functions(app, label, source, enums.get(app, {}))
    ]
    helpers: dict[tuple[str, str], Function] = {}
    for f in functions:
        if not f.name.startswith("do_"):
            merged = helpers.setdefault((f.app, f.name), Function(f.app, f.name, f.where))
            merged.verbs |= f.verbs
            merged.calls |= f.calls
    actions = {f.name: f for f in functions if f.name.startswith("do_")}

    def verbs_through_helpers(function: Function, seen: set[tuple[str, str]]) -> set[str]:
        verbs = set(function.verbs)
        for name in function.calls:
            helper = helpers.get((function.app, name))
            if helper is not None and (helper.app, helper.name) not in seen:
                seen.add((helper.app, helper.name))
                verbs |= verbs_through_helpers(helper, seen)
        return verbs

    def handoffs(function: Function, seen: set[tuple[str, str]]) -> set[str]:
        names = {name for name in function.calls if name in actions}
        for name in function.calls:
            helper = helpers.get((function.app, name))
            if helper is not None and (helper.app, helper.name) not in seen:
                seen.add((helper.app, helper.name))
                names |= handoffs(helper, seen)
        return names

    found = []
    recorded: dict[str, bool] = {}
    for function in actions.values():
        own = verb_for_action(function.app, function.name)
        verbs = verbs_through_helpers(function, set())
        values = set(enums.get(function.app, {}).values())
        for verb in sorted(verbs):
            if verb not in values:
                found.append(
                    f"{function.where} {function.name} records {verb}, which is not in "
                    f"moot.{function.app}.audit_verbs.AuditVerb"
                )
        if verbs and own not in verbs:
            found.append(
                f"{function.where} {function.name} records {sorted(verbs)} but not its own verb "
                f"{own!r} (the rule in moot.audit.verbs)"
            )
        recorded[function.name] = own in verbs

    def hands_off_to_a_recorder(name: str, seen: set[str]) -> bool:
        if recorded.get(name):
            return True
        seen.add(name)
        return any(
            hands_off_to_a_recorder(other, seen)
            for other in handoffs(actions[name], set())
            if other not in seen
        )

    for function in actions.values():
        if not recorded[function.name] and not hands_off_to_a_recorder(function.name, set()):
            found.append(
                f"{function.where} {function.name} neither records an audit event "
                f"({verb_for_action(function.app, function.name)!r}) nor hands off to an "
                "action that does"
            )
    return sorted(found)


def test_every_action_records_its_verb_or_hands_off() -> None:
    apps = action_modules()
    assert {"meetings", "motions", "elections", "units", "polls", "members", "accounts"} <= set(
        apps
    )
    sources = {
        app: [(str(path.relative_to(SRC)), path.read_text()) for path in helper_modules(app)]
        for app in apps
    }
    enums = {app: enum_values(app) for app in apps}
    missing = sorted(app for app in apps if not enums[app])
    assert missing == [], f"apps with actions but no AuditVerb in <app>/audit_verbs.py: {missing}"
    assert problems(sources, enums) == []


@pytest.mark.parametrize("app", sorted(action_modules()))
def test_every_verb_of_an_app_follows_the_rule(app: str) -> None:
    module = importlib.import_module(f"moot.{app}.audit_verbs")
    assert [p for v in module.AuditVerb if (p := verb_problem(v.value, app_label=app))] == []
    # Renamed verbs: each key is one of the app's verbs, and no old name is a verb today.
    former = getattr(module, "FORMER_VERBS", {})
    assert set(former) <= set(module.AuditVerb)
    today = {v.value for v in module.AuditVerb}
    assert [old for olds in former.values() for old in olds if old in today] == []


MODULE = """
from moot.audit.actions import record
from moot.demo.audit_verbs import AuditVerb

@transaction.atomic
def do_close_thing(thing, *, acting_user):
    record(actor=acting_user, verb=AuditVerb.CLOSE_THING, obj=thing)

def do_close_all(things, *, acting_user):
    for thing in things:
        do_close_thing(thing, acting_user=acting_user)
"""
ENUM = {"CLOSE_THING": "demo.close_thing", "OPEN_THING": "demo.open_thing"}


def test_the_walk_passes_an_app_that_follows_the_rule() -> None:
    assert problems({"demo": [("demo/actions.py", MODULE)]}, {"demo": ENUM}) == []


@pytest.mark.parametrize(
    ("added", "says"),
    [
        (  # a new action that forgets its event
            "def do_open_thing(thing, *, acting_user):\n    thing.save()\n",
            "do_open_thing neither records an audit event ('demo.open_thing')",
        ),
        (  # a bare string the enum does not have
            (
                "def do_open_thing(thing, *, acting_user):\n"
                "    record(actor=acting_user, verb='demo.opened', obj=thing)\n"
            ),
            "records demo.opened, which is not in moot.demo.audit_verbs.AuditVerb",
        ),
        (  # another action's verb
            (
                "def do_open_thing(thing, *, acting_user):\n"
                "    record(actor=acting_user, verb=AuditVerb.CLOSE_THING, obj=thing)\n"
            ),
            "but not its own verb 'demo.open_thing'",
        ),
        (  # a member the enum lacks
            (
                "def do_open_thing(thing, *, acting_user):\n"
                "    record(actor=acting_user, verb=AuditVerb.OPENED, obj=thing)\n"
            ),
            "<AuditVerb.OPENED, not in the app's AuditVerb",
        ),
    ],
)
def test_the_walk_fails_an_action_that_breaks_it(added: str, says: str) -> None:
    found = problems({"demo": [("demo/actions.py", MODULE + "\n" + added)]}, {"demo": ENUM})
    assert len(found) >= 1
    assert any(says in problem for problem in found), found


def test_a_helper_records_for_its_action() -> None:
    """An action may record through a helper of its app (a module-level function)."""
    source = MODULE + (
        "\ndef _write(thing, user):\n"
        "    record(actor=user, verb=AuditVerb.OPEN_THING, obj=thing)\n"
        "\ndef do_open_thing(thing, *, acting_user):\n"
        "    _write(thing, acting_user)\n"
    )
    assert problems({"demo": [("demo/actions.py", source)]}, {"demo": ENUM}) == []


def test_the_rule() -> None:
    assert verb_for_action("meetings", "do_create_meeting") == "meetings.create_meeting"
    assert check_verb("units.end_holding", app_label="units", action="do_end_holding")
    with pytest.raises(ValueError, match=r"must start with 'meetings\.'"):
        check_verb("meeting.create", app_label="meetings")
    with pytest.raises(ValueError, match=r"must record 'motions\.table_motion'"):
        check_verb("motions.table", app_label="motions", action="do_table_motion")
    with pytest.raises(ValueError, match="lower snake case"):
        check_verb("meetings.Create-Meeting", app_label="meetings")
    with pytest.raises(ValueError, match="not an action"):
        verb_for_action("units", "refresh_posts")


def test_readers_of_historic_events_match_the_old_names() -> None:
    from moot.elections.audit_verbs import AuditVerb as ElectionVerb
    from moot.meetings.audit_verbs import AuditVerb as MeetingVerb
    from moot.units.audit_verbs import AuditVerb as UnitVerb

    assert with_former(MeetingVerb.APPROVE_MINUTES) == (
        "meetings.approve_minutes",
        "meeting.approve_minutes",
    )
    assert set(with_former(ElectionVerb.ANSWER_NOMINATION)) == {
        "elections.answer_nomination",
        "elections.accept",
        "elections.decline",
    }
    assert with_former(UnitVerb.END_HOLDING) == ("units.end_holding",)
    assert with_former("nosuchapp.thing") == ("nosuchapp.thing",)
