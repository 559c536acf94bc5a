"""The simulator's parts talk through narrow public interfaces (``Market``, ``Records``,
``Host``), and no module of the package imports another's private names: a refactor of one
part cannot silently break another that reached into it."""

from __future__ import annotations

import ast
from pathlib import Path

import tvtui

PACKAGE = Path(tvtui.__file__).parent


def _parse(path: Path) -> ast.Module:
    """``ast.parse`` of one file. CPython 3.11 can raise a spurious ``SystemError: AST
    constructor recursion depth mismatch`` when another thread builds an AST at the same time
    (python/cpython#106905; it failed this test once in a full run): parse again then."""
    text = path.read_text()
    for _ in range(3):
        try:
            return ast.parse(text, str(path))
        except SystemError:
            continue
    return ast.parse(text, str(path))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_a_private_name_of_another() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tvtui"):
                found += [f"{path.name}: {a.name}" for a in node.names if _private(a.name)]
    assert found == []


def test_the_simulator_parts_touch_no_private_attribute_of_another_object() -> None:
    found = []
    for path in sorted((PACKAGE / "sim").glob("*.py")):
        for node in ast.walk(_parse(path)):
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            ):
                found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    assert found == []
