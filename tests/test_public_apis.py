"""tvtui depends only on the public APIs of the libraries it builds on.

Why a test: a private name (``DataTable._row_render_cache``, ``plotext._utility``,
``App._handle_exception``) can change in any patch release, and nothing else would tell us
before a user's upgrade did. Three checks, each failure naming file, line and name:

1. no import of a private module or name (``from textual.widgets._toast import ...``,
   ``import plotext._utility``, ``from rich import _x``);
2. no ``obj._name`` where ``_name`` is not one tvtui defines itself (the ``_names`` tvtui
   defines: ``self._x = ...``, ``def _x``, ``class _X``, module-level names, class
   attributes and dataclass fields, ``__slots__``; a function's local variables don't
   count) - the scan cannot know ``obj``'s type, so a name tvtui never defines can only be
   someone else's;
3. no class of tvtui that subclasses a Textual / Rich / plotext class defines, in its body or
   as ``self._x = ...`` in its methods, a ``_name`` that one of those bases also has (an
   override of a private method, or a write over a private attribute).
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import textwrap
from collections.abc import Iterator
from pathlib import Path

import tvtui

PACKAGE = Path(tvtui.__file__).parent
ROOT = PACKAGE.parent
#: The libraries whose private names tvtui must not touch.
LIBRARIES = ("textual", "rich", "plotext", "textual_plotext")
#: Underscore names of the standard library that its documentation makes public.
STDLIB_PUBLIC = {"_replace", "_asdict", "_fields", "_make", "_field_defaults", "_exit"}

#: Not Textual, Rich or plotext: tvtui/web extends textual-serve's ``Server`` and
#: ``AppService`` (pinned to textual-serve 1.1.x in pyproject.toml for that reason) through
#: these underscore hooks, which textual-serve offers no public form of. Outside issue 11's
#: list; kept visible here so that a change of them is a decision. (file, name).
TEXTUAL_SERVE_HOOKS: set[tuple[str, str]] = {
    ("tvtui/web/server.py", "_process"),
    ("tvtui/web/server.py", "_make_app"),
    ("tvtui/web/server.py", "_process_messages"),
}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def sources(package: Path = PACKAGE) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(package.rglob("*.py")):
        yield path.relative_to(package.parent).as_posix(), ast.parse(path.read_text(), str(path))


def scope_names(body: list[ast.stmt]) -> Iterator[str]:
    """Names a module or class body binds at its own level (module globals, class attributes,
    dataclass fields, imports, ``__slots__``), not a function's local variables."""
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            yield from scope_names(statement.body)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            yield from (alias.asname or alias.name.split(".")[0] for alias in statement.names)
        elif isinstance(statement, ast.If | ast.Try):  # TYPE_CHECKING blocks, fallbacks
            yield from scope_names(statement.body + statement.orelse)
        if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.For):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        yield node.id
                        value = getattr(statement, "value", None)
                        if node.id == "__slots__" and value is not None:
                            yield from (
                                c.value
                                for c in ast.walk(value)
                                if isinstance(c, ast.Constant) and isinstance(c.value, str)
                            )


@functools.cache
def tvtui_names() -> frozenset[str]:
    """Every underscore name tvtui defines as an attribute of something of its own."""
    names: set[str] = set()
    for _, tree in sources():
        names.update(scope_names(tree.body))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
                names.add(node.attr)
    return frozenset(name for name in names if is_private(name))


def library(module: str) -> bool:
    return module.split(".")[0] in LIBRARIES


def private_uses(package: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(file, line, name) of every private module, import or attribute that is not tvtui's."""
    ours = tvtui_names()
    found: list[tuple[str, int, str]] = []
    for file, tree in sources(package):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if library(alias.name) and any(is_private(p) for p in parts):
                        found.append((file, node.lineno, alias.name))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if not library(node.module):
                    continue
                if any(is_private(p) for p in node.module.split(".")):
                    found.append((file, node.lineno, node.module))
                for alias in node.names:
                    if is_private(alias.name):
                        found.append((file, node.lineno, f"{node.module}.{alias.name}"))
            elif (
                isinstance(node, ast.Attribute)
                and is_private(node.attr)
                and node.attr not in ours
                and node.attr not in STDLIB_PUBLIC
            ):
                found.append((file, node.lineno, node.attr))
    return found


def tvtui_modules() -> Iterator[str]:
    """Every module, from the files (``widgets/`` and ``screens/`` have no ``__init__``)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":  # importing it runs the app
            continue
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def foreign_bases(cls: type) -> list[type]:
    return [base for base in cls.__mro__[1:] if library(base.__module__)]


@functools.cache
def instance_names(cls: type) -> frozenset[str]:
    """``self._x`` a library class assigns in its own methods (its instance attributes)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return frozenset()
    return frozenset(
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and is_private(node.attr)
    )


def own_private_names(cls: type) -> list[tuple[int, str]]:
    """(line, name): the class body's ``_names`` and the ``self._x`` its methods assign."""
    lines, start = inspect.getsourcelines(cls)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    names: list[tuple[int, str]] = []
    for node in body.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append((node.lineno, node.name))
        elif isinstance(node, ast.Assign):
            names += [(t.lineno, t.id) for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append((node.lineno, node.target.id))
    for node in ast.walk(body):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.append((node.lineno, node.attr))
    return [(start + line - 1, name) for line, name in names if is_private(name)]


def class_overrides(cls: type) -> list[tuple[str, int, str]]:
    """(file, line, name) where ``cls`` redefines a private name of a library base class."""
    bases = foreign_bases(cls)
    if not bases:
        return []
    file = Path(inspect.getfile(cls))
    if file.is_relative_to(ROOT):
        file = file.relative_to(ROOT)
    return [
        (file.as_posix(), line, attr)
        for line, attr in own_private_names(cls)
        if any(attr in vars(base) or attr in instance_names(base) for base in bases)
    ]


def private_overrides() -> list[tuple[str, int, str]]:
    """:func:`class_overrides` of every class of every tvtui module."""
    found: set[tuple[str, int, str]] = set()
    for name in tvtui_modules():
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == name:
                found.update(class_overrides(cls))
    return sorted(found)


def check(found: list[tuple[str, int, str]], what: str) -> list[tuple[str, str]]:
    """Fail on anything found but not known; return the known ones that were found."""
    new = [f"{file}:{line}: {name}" for file, line, name in found if (file, name) not in KNOWN]
    assert not new, f"{what}:\n" + "\n".join(new)
    return [(file, name) for file, line, name in found]


KNOWN = TEXTUAL_SERVE_HOOKS


def test_no_module_imports_or_reads_a_private_name_of_textual_rich_or_plotext() -> None:
    seen = check(private_uses(), "private names of other libraries used (file:line: name)")
    seen += check(private_overrides(), "private names of a library base class redefined")
    stale = KNOWN - set(seen)
    assert not stale, f"no longer found; remove from the known sets above: {sorted(stale)}"


def test_the_scan_finds_a_planted_private_import_read_and_override(tmp_path, monkeypatch) -> None:
    """The checks above would notice each kind of private use (planted in a scratch package)."""
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "uses.py").write_text(
        "from textual.app import App\n"
        "from textual.widgets._toast import Toast\n"
        "import plotext._utility\n"
        "\n"
        "\n"
        "class Planted(App):\n"
        "    def _handle_exception(self, error):\n"
        "        self._exit_renderables = []\n"
        "        return self.screen._compositor, self._picture\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    uses = {(line, name) for _, line, name in private_uses(package)}
    # _picture is tvtui's own (ThemedPlot): not reported
    assert uses == {
        (2, "textual.widgets._toast"),
        (3, "plotext._utility"),
        (8, "_exit_renderables"),
        (9, "_compositor"),
    }
    planted = importlib.import_module("planted.uses").Planted
    overrides = {(line, name) for _, line, name in class_overrides(planted)}
    assert overrides == {(7, "_handle_exception"), (8, "_exit_renderables")}
