"""Every import statement of a project's apps, read with `ast` (nothing is imported).

An import is recorded with where it stands: at module level, inside a function, or inside
an `AppConfig.ready` method of an apps.py (the one place an app may import another app
late). Imports under `if TYPE_CHECKING:` are left out: they never run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted: "entries.selectors"
    path: str  # its file, relative to the project root
    line: int
    statement: str  # the import as written
    target: str  # the imported project module, dotted and absolute
    function: str | None  # the enclosing function's qualified name; None at module level
    in_ready: bool  # directly inside an AppConfig.ready method of an apps.py

    @property
    def app(self) -> str:
        return self.module.split(".")[0]

    @property
    def target_app(self) -> str:
        return self.target.split(".")[0]

    def where(self) -> str:
        place = f" inside {self.function}()" if self.function else ""
        return f"{self.path}:{self.line}: `{self.statement}`{place}"


def project_modules(root: Path, apps: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the apps but their migrations."""
    modules = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def project_imports(root: Path, apps: tuple[str, ...]) -> list[Import]:
    """Every import of a project module by a project module, in file and line order."""
    modules = project_modules(root, apps)
    found = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        visitor = _ImportVisitor(module, path, root, set(modules), apps)
        visitor.visit(tree)
        found.extend(visitor.imports)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_app_config(node: ast.ClassDef) -> bool:
    return any(
        (isinstance(base, ast.Name) and base.id == "AppConfig")
        or (isinstance(base, ast.Attribute) and base.attr == "AppConfig")
        for base in node.bases
    )


class _ImportVisitor(ast.NodeVisitor):
    def __init__(
        self, module: str, path: Path, root: Path, known: set[str], apps: tuple[str, ...]
    ) -> None:
        self.module = module
        self.package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self.path = path.relative_to(root).as_posix()
        self.known = known
        self.apps = apps
        self.scopes: list[ast.AST] = []  # enclosing classes and functions, outermost first
        self.imports: list[Import] = []

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _scoped(self, node: ast.AST) -> None:
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def visit_Import(self, node: ast.Import) -> None:
        for target in dict.fromkeys(alias.name for alias in node.names):
            self._record(node, target)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            source = ".".join([*base, node.module] if node.module else base)
        else:
            source = node.module or ""
        # `from search import api` imports the module search.api, not only search.
        submodules = (f"{source}.{alias.name}" for alias in node.names)
        targets = (name if name in self.known else source for name in submodules)
        for target in dict.fromkeys(targets):
            self._record(node, target)

    def _record(self, node: ast.stmt, target: str) -> None:
        if target.split(".")[0] not in self.apps:
            return
        functions = [s for s in self.scopes if not isinstance(s, ast.ClassDef)]
        in_ready = (
            self.module.endswith(".apps")
            and len(self.scopes) == 2
            and isinstance(self.scopes[0], ast.ClassDef)
            and _is_app_config(self.scopes[0])
            and getattr(self.scopes[1], "name", "") == "ready"
        )
        self.imports.append(
            Import(
                module=self.module,
                path=self.path,
                line=node.lineno,
                statement=ast.unparse(node),
                target=target,
                function=".".join(s.name for s in self.scopes) if functions else None,
                in_ready=in_ready,
            )
        )
