"""The floor plan as code: which package may import which, no import circles, and every Redis key
spelled in one module (core/contract/keys.py). docs: README.md, "Layout".

    core      the shared core: settings, logs, time, retry, the contract — imports nothing of ours
    tickcore  the Rust engine's Python package — imports nothing of ours
    kis, search, db   one concern each, on core
    ingest    on core, kis, tickcore          api   on core, search
    jobs      on core, kis, search, db
    devtools  the `make run` supervisor, embedded servers, kissim, the OpenSearch node: not shipped
    tests, bench  may use anything; nothing shipped imports them (or devtools)
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.support.harness import REPO_ROOT

ALLOWED = {
    "core": set(),
    "tickcore": set(),
    "kis": {"core"},
    "search": {"core"},
    "db": {"core"},
    "ingest": {"core", "kis", "tickcore"},
    "api": {"core", "search"},
    "jobs": {"core", "kis", "search", "db"},
    "devtools": {"core", "db", "tickcore"},
    "bench": {"core", "kis", "search", "db", "api", "ingest", "jobs", "devtools", "tickcore", "tests"},
}
PACKAGES = set(ALLOWED) | {"tests"}
KEY_OWNER = "core/contract/keys.py"
REDIS_KEY = re.compile(
    r"^(stock:realtime:|tick:last:|bar:(\{|1m|15m|1h|1d)|ingest:(status|symbols|demand|control|lock)|"
    r"jobs:(collectors|lock)|news:(buffer|processing|cursor)|auth:revoked:|ratelimit:|stream:connections|cache:|"
    r"analysis:gemini)"
)


def python_files() -> list[Path]:
    files = []
    for package in ALLOWED:
        files += sorted((REPO_ROOT / package).rglob("*.py"))
    return files


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every project module this file imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


GRAPH = {module_name(path): imports_of(path) for path in python_files()}
MODULES = set(GRAPH)


def resolve(name: str) -> str | None:
    """The project module an import names (`from a.b import c` may name the module a.b or a.b.c)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_what_their_layer_allows(package):
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] not in ALLOWED[package] | {package}
    )
    assert wrong == []


def test_api_http_plumbing_and_domains_stay_apart():
    """api/http is shared plumbing: it imports no domain; a domain never imports another's routes."""
    wrong = []
    for module, targets in GRAPH.items():
        for target in targets:
            if module.startswith("api.http") and target.startswith("api.") and not target.startswith("api.http"):
                wrong.append(f"{module} imports {target}")
            if target.endswith(".routes") and target.split(".")[:2] != module.split(".")[:2]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_import_circles():
    edges = {m: {r for t in targets if (r := resolve(t)) is not None and r != m} for m, targets in GRAPH.items()}
    assert circles(edges) == []


def test_a_circle_would_be_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def key_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and REDIS_KEY.match(node.value):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str) and REDIS_KEY.match(head.value):
                found.append(head.value)
    return found


def test_every_redis_key_is_spelled_in_the_contract_only():
    spelled = defaultdict(list)
    for path in python_files():
        rel = str(path.relative_to(REPO_ROOT))
        if rel == KEY_OWNER:
            continue
        for literal in key_literals(path):
            spelled[rel].append(literal)
    assert dict(spelled) == {}, "use core.contract.keys"


def test_the_contract_spells_the_keys():
    """Guards the rule above against a regex that matches nothing."""
    assert len(key_literals(REPO_ROOT / KEY_OWNER)) >= 15
