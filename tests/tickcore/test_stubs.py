"""The .pyi stubs describe the extension that is actually built: every public name, method and
property in the stub exists at runtime, and the runtime exposes nothing public that the stub
forgets."""

from __future__ import annotations

import ast
import inspect

import tickcore
import tickcore._tickcore as extension
from tests.tickcore.tickcore_support import REPO

STUB = ast.parse((REPO / "tickcore" / "_tickcore.pyi").read_text(encoding="utf-8"))
TYPE_ONLY = {"Interval", "TradeDict", "OrderBookDict", "BarDict", "ControlDict", "EncryptedDict", "FrameErrorDict",
             "LateTradeDict", "Counters", "TradesFrameDict"}


def stub_names() -> dict[str, ast.AST]:
    names = {}
    for node in STUB.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.Assign):
            names.update({target.id: node for target in node.targets if isinstance(target, ast.Name)})
    return names


def test_every_stub_name_exists_and_nothing_public_is_missing():
    names = stub_names()
    runtime = {name for name in dir(extension) if not name.startswith("_")} | {"__version__"}
    assert set(names) - TYPE_ONLY == runtime
    assert set(tickcore.__all__) == runtime


def test_stub_methods_exist_on_the_classes():
    for node in STUB.body:
        if isinstance(node, ast.ClassDef) and node.name not in TYPE_ONLY:
            cls = getattr(extension, node.name)
            for member in node.body:
                if isinstance(member, ast.FunctionDef):
                    assert hasattr(cls, member.name), f"{node.name}.{member.name}"
                elif isinstance(member, ast.AnnAssign):
                    # exception attributes are set on instances
                    assert issubclass(cls, Exception), f"{node.name}.{member.target.id}"


def test_public_runtime_methods_are_in_the_stub():
    for cls in (tickcore.Engine, tickcore.Batch):
        stub_class = next(n for n in STUB.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
        stubbed = {m.name for m in stub_class.body if isinstance(m, ast.FunctionDef)}
        public = {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}
        assert public <= stubbed, public - stubbed
