"""The design's habits, checked rather than hoped for (DESIGN.md "Conventions", STYLE.md §8-§11).

An AST walk over src/moot, in the spirit of Zulip's semgrep rules for its views:
- views and API routers never query a model themselves (``Model.objects``, ``_default_manager``,
  ``get_object_or_404``): they go through ``access_*``, ``queries`` or ``actions``;
- every ``do_*`` action runs under ``transaction.atomic`` and records its audit event (or hands
  off to an action that does);
- the pure cores import nothing of Django or of the rest of moot, and are held to that by the
  import contracts and strict mypy in pyproject.toml;
- tests cannot reach the network (pytest-socket, configured in pyproject.toml).

Today's offenders are listed below. The lists may only shrink: a listed entry that no longer
offends fails the test too, so that its line is deleted and cannot come back unseen.
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_socket import SocketConnectBlockedError

pytestmark = pytest.mark.pure

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "moot"
PURE_CORES = ("counting", "rulebook", "verify", "trustee")

# (file, what it queries) for views and routers that still look models up themselves. Each
# goes through an access_* function, a query or an action instead; the test fails once an entry
# is gone, so that its line is deleted and the list only shrinks.
RAW_LOOKUP_ALLOWLIST: frozenset[tuple[str, str]] = frozenset()

# (app, action) for the do_* functions not under transaction.atomic today: each reads before it
# hands off to an atomic action, so the read and the write are not one transaction.
NOT_ATOMIC_ALLOWLIST: frozenset[tuple[str, str]] = frozenset(
    {
        ("elections", "do_close_election"),
        ("meetings", "do_next_item"),
        ("meetings", "do_previous_item"),
        ("members", "do_import_members"),
    }
)


def source_files() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def is_view_or_router(path: Path) -> bool:
    """An app's views.py, <topic>_views.py and api.py, or a module of its views/ or api/
    package, or of moot.api."""
    relative = path.relative_to(SRC).parts
    if len(relative) < 2:  # moot/<module>.py is not an app's view
        return False
    name = relative[1]
    return name.endswith(("views.py", "api.py")) or name in {"views", "api"} or relative[0] == "api"


def raw_lookups(tree: ast.AST) -> set[str]:
    """``X.objects``, ``X._default_manager`` and ``get_object_or_404(X, ...)`` in a module."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            found.add(f"{ast.unparse(node.value)}.{node.attr}")
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            if name in {"get_object_or_404", "get_list_or_404"} and node.args:
                found.add(f"{name}({ast.unparse(node.args[0])})")
    return found


def raw_lookups_in_views_and_routers() -> set[tuple[str, str]]:
    offences = set()
    for path in source_files():
        if is_view_or_router(path):
            for lookup in raw_lookups(ast.parse(path.read_text(), str(path))):
                offences.add((path.relative_to(SRC).as_posix(), lookup))
    return offences


def test_views_and_routers_do_not_query_models_themselves() -> None:
    offences = raw_lookups_in_views_and_routers()
    new = sorted(offences - RAW_LOOKUP_ALLOWLIST)
    assert not new, (
        "views and API routers fetch through access_<thing>(id, user, *, for_write=...), a query "
        "or an action, never a model's manager (DESIGN.md, Conventions). New raw lookups: "
        + ", ".join(f"src/moot/{path}: {lookup}" for path, lookup in new)
    )
    gone = sorted(RAW_LOOKUP_ALLOWLIST - offences)
    assert not gone, (
        "these no longer look models up themselves; delete their lines from "
        "RAW_LOOKUP_ALLOWLIST in tests/test_conventions.py: "
        + ", ".join(f"{path}: {lookup}" for path, lookup in gone)
    )


def test_the_raw_lookup_walk_sees_every_form() -> None:
    """The walk above is only as good as what it recognises."""
    tree = ast.parse(
        "def view(request, pk):\n"
        "    a = Meeting.objects.get(pk=pk)\n"
        "    b = models.Unit._default_manager.all()\n"
        "    c = get_object_or_404(Motion, pk=pk)\n"
        "    d = shortcuts.get_list_or_404(Poll.objects.filter(open=True))\n"
        "    return access_meeting(pk, request.user)\n"
    )
    assert raw_lookups(tree) == {
        "Meeting.objects",
        "models.Unit._default_manager",
        "get_object_or_404(Motion)",
        "get_list_or_404(Poll.objects.filter(open=True))",
        "Poll.objects",
    }
    assert is_view_or_router(SRC / "meetings" / "views.py")
    assert is_view_or_router(SRC / "meetings" / "views" / "door.py")
    assert is_view_or_router(SRC / "meetings" / "officer_views.py")
    assert not is_view_or_router(SRC / "accounts" / "api_auth.py")
    assert is_view_or_router(SRC / "api" / "errors.py")
    assert not is_view_or_router(SRC / "meetings" / "queries.py")
    assert not is_view_or_router(SRC / "cli.py")


def is_atomic(node: ast.expr) -> bool:
    """``transaction.atomic``, ``atomic``, either called with arguments or not."""
    if isinstance(node, ast.Call):
        node = node.func
    return (isinstance(node, ast.Attribute) and node.attr == "atomic") or (
        isinstance(node, ast.Name) and node.id == "atomic"
    )


def runs_atomically(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated with atomic, or writing inside a ``with transaction.atomic(...)`` at the top of
    its body (or of a ``try`` there): checks that read may come before it, as in the cast, which
    checks first and checks again under the poll's lock."""
    if any(is_atomic(decorator) for decorator in function.decorator_list):
        return True
    statements = list(function.body)
    for statement in function.body:
        if isinstance(statement, ast.Try):
            statements.extend(statement.body)
    return any(
        isinstance(statement, ast.With)
        and any(is_atomic(item.context_expr) for item in statement.items)
        for statement in statements
    )


def actions_failing(
    rule: Callable[[ast.FunctionDef | ast.AsyncFunctionDef], bool],
) -> set[tuple[str, str]]:
    """(app, name) of every ``do_*`` action in src/moot that does not keep ``rule``."""
    found = set()
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name.startswith("do_")
                and not rule(node)
            ):
                found.add((path.relative_to(SRC).parts[0], node.name))
    return found


def actions_not_atomic() -> set[tuple[str, str]]:
    return actions_failing(runs_atomically)


def test_every_action_runs_in_a_transaction() -> None:
    offences = actions_not_atomic()
    new = sorted(offences - NOT_ATOMIC_ALLOWLIST)
    assert not new, (
        "every do_* action runs under transaction.atomic, writing its audit row in the same "
        "transaction (DESIGN.md, Conventions). Not atomic: "
        + ", ".join(f"moot.{app}: {name}" for app, name in new)
    )
    gone = sorted(NOT_ATOMIC_ALLOWLIST - offences)
    assert not gone, (
        "these actions are atomic now; delete their lines from NOT_ATOMIC_ALLOWLIST in "
        "tests/test_conventions.py: " + ", ".join(f"moot.{app}: {name}" for app, name in gone)
    )


def test_the_atomic_walk_tells_atomic_actions_from_others() -> None:
    module = ast.parse(
        "@transaction.atomic\ndef do_a(): pass\n"
        "@transaction.atomic(durable=True)\ndef do_b(): pass\n"
        "def do_c():\n    '''Doc.'''\n    from x import y\n"
        "    with transaction.atomic(savepoint=False):\n        y()\n"
        "def do_d():\n    return do_a()\n"
        "@other\ndef do_e(): pass\n"
        "def do_f():\n    check()\n    try:\n        with atomic():\n            write()\n"
        "    except IntegrityError:\n        raise\n"
        "def do_g():\n    if x:\n        with transaction.atomic():\n            write()\n"
    )
    verdicts = {
        node.name: runs_atomically(node)
        for node in module.body
        if isinstance(node, ast.FunctionDef)
    }
    assert verdicts == {
        "do_a": True,
        "do_b": True,
        "do_c": True,
        "do_d": False,
        "do_e": False,
        "do_f": True,
        "do_g": False,
    }


# (app, action) for the do_* functions that neither record an audit event nor hand off to
# another action, with the reason.
NOT_RECORDED_ALLOWLIST: frozenset[tuple[str, str]] = frozenset(
    {
        # Hands off to moot.members.imports.import_members, which records the import.
        ("members", "do_import_members"),
    }
)


def records_or_hands_off(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Calls the audit helper (``record``, ``record_*``) or another ``do_*`` action."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            if name == "record" or name.startswith(("record_", "do_")):
                return True
    return False


def actions_not_recorded() -> set[tuple[str, str]]:
    return actions_failing(records_or_hands_off)


def test_every_action_records_or_hands_off() -> None:
    """Every change is an action writing its audit event (DESIGN.md, principle 4)."""
    offences = actions_not_recorded()
    new = sorted(offences - NOT_RECORDED_ALLOWLIST)
    assert not new, (
        "every do_* action writes its audit event with moot.audit.actions.record in its "
        "transaction, or hands off to an action that does. Neither: "
        + ", ".join(f"moot.{app}: {name}" for app, name in new)
    )
    gone = sorted(NOT_RECORDED_ALLOWLIST - offences)
    assert not gone, (
        "these actions record now; delete their lines from NOT_RECORDED_ALLOWLIST in "
        "tests/test_conventions.py: " + ", ".join(f"moot.{app}: {name}" for app, name in gone)
    )


def test_the_record_walk_tells_recording_actions_from_others() -> None:
    module = ast.parse(
        "def do_a():\n    record(actor=None, verb='x')\n"
        "def do_b():\n    audit.record_many([])\n"
        "def do_c():\n    return actions.do_a()\n"
        "def do_d():\n    Model.objects.create()\n"
    )
    verdicts = {
        node.name: records_or_hands_off(node)
        for node in module.body
        if isinstance(node, ast.FunctionDef)
    }
    assert verdicts == {"do_a": True, "do_b": True, "do_c": True, "do_d": False}


def existing_pure_cores() -> list[str]:
    return [f"moot.{name}" for name in PURE_CORES if (SRC / name / "__init__.py").exists()]


def test_pure_cores_import_no_django_and_nothing_else_of_moot() -> None:
    """Every module of counting, rulebook (and verify), imported in a fresh interpreter without
    Django settings, loads neither Django nor any other part of moot."""
    program = (
        "import importlib, json, pkgutil, sys\n"
        "for name in sys.argv[1:]:\n"
        "    package = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    cores = existing_pure_cores()
    assert {"moot.counting", "moot.rulebook"} <= set(cores)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", program, *cores],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout)
    assert any(name.startswith("moot.counting.methods.") for name in loaded)
    django = sorted(name for name in loaded if name == "django" or name.startswith("django."))
    assert not django, f"the pure cores loaded Django: {django[:10]}"
    others = sorted(
        name
        for name in loaded
        if name.startswith("moot.")
        and not any(name == core or name.startswith(core + ".") for core in cores)
    )
    assert not others, f"the pure cores loaded other parts of moot: {others}"


def test_every_pure_core_is_held_by_the_import_contract_and_strict_mypy() -> None:
    """A new pure core (moot.verify) joins the checks the day it appears."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    contract = contracts["pure-cores"]
    assert contract["type"] == "forbidden"
    assert {"moot.*", "django"} <= set(contract["forbidden_modules"])
    # The one exception: the verifier re-runs a record with the counting engine itself.
    # And the trustee's machine runs the verifier's own proofs (moot.trustee -> moot.verify).
    assert set(contract.get("ignore_imports", [])) <= {
        "moot.verify.** -> moot.counting.**",
        "moot.trustee.** -> moot.verify.**",
    }
    strict_modules = {
        module
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("disallow_untyped_defs") and override.get("disallow_any_generics")
        for module in override["module"]
    }
    for core in existing_pure_cores():
        assert core in contract["source_modules"], (
            f"{core} is a pure core: add it to the source_modules of the 'pure-cores' "
            "import contract in pyproject.toml"
        )
        assert {core, f"{core}.*"} <= strict_modules, (
            f"{core} is a pure core: add {core} and {core}.* to the strict mypy override in "
            "pyproject.toml"
        )


def test_tests_cannot_reach_the_network() -> None:
    """pytest-socket refuses a connection off this machine (192.0.2.1 is TEST-NET-1)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        with (
            pytest.raises(SocketConnectBlockedError),
            pytest.warns(UserWarning, match=r"192\.0\.2\.1"),
        ):
            sock.connect(("192.0.2.1", 80))


def test_tests_reach_this_machine_over_tcp_and_unix_sockets(tmp_path: Path) -> None:
    """What the suite needs: PostgreSQL and live servers on the loopback, unix sockets."""
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        if family == socket.AF_INET6 and not socket.has_ipv6:
            continue
        with socket.socket(family, socket.SOCK_STREAM) as server:
            try:
                server.bind((host, 0))
            except OSError:  # no IPv6 loopback on this machine
                continue
            server.listen()
            with socket.create_connection(server.getsockname()[:2], timeout=5) as client:
                client.sendall(b"ok")
                conn, _ = server.accept()
                with conn:
                    assert conn.recv(2) == b"ok"
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)


def test_browser_tests_read_the_page_through_expect() -> None:
    """A click that submits a form returns before the answer is drawn; an ``assert`` on
    ``.is_visible()`` or ``.inner_text()`` read straight after it reads the old page and fails
    only on a slow machine (CI refused stop 9 for one). ``expect()`` retries until it holds."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if code.lstrip().startswith("assert") and ".is_visible()" in code:
                offenders.append(f"{path.relative_to(tests)}:{number}")
    assert offenders == [], f"use expect(locator).to_be_visible(): {offenders}"
