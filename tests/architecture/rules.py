"""The dependency rules between apps, each a function from the imports to the violations.

A violation is a sentence naming the importing module's file, the line and the import, so
that a failing test says what to move.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from tests.architecture.imports import Import

Layers = tuple[tuple[str, ...], ...]  # top to bottom; apps of one layer are siblings


def layer_of(layers: Layers) -> dict[str, int]:
    return {app: depth for depth, names in enumerate(layers) for app in names}


def layer_violations(imports: Iterable[Import], layers: Layers) -> list[str]:
    """An app imports only apps of lower layers: not a higher layer, not a sibling."""
    depth = layer_of(layers)
    violations = []
    for item in imports:
        if item.app == item.target_app:
            continue
        if depth[item.target_app] < depth[item.app]:
            why = f"{item.app} imports {item.target_app}, a higher layer"
        elif depth[item.target_app] == depth[item.app]:
            why = f"{item.app} imports {item.target_app}, a sibling in its layer"
        else:
            continue
        violations.append(f"{item.where()}: {why}")
    return violations


def late_imports(imports: Iterable[Import]) -> list[str]:
    """Another app is imported at module level, or in AppConfig.ready, never in a function."""
    return [
        f"{item.where()}: {item.app} imports {item.target_app} inside a function "
        "(only AppConfig.ready may)"
        for item in imports
        if item.function and not item.in_ready and item.app != item.target_app
    ]


def app_cycles(imports: Iterable[Import]) -> list[str]:
    """Cycles between apps, whether their imports are at module level or in functions."""
    return _cycles([item for item in imports if item.app != item.target_app], lambda item: item.app)


def module_cycles(imports: Iterable[Import], app: str) -> list[str]:
    """Cycles between the modules of one app (module-level and function-level imports)."""
    inside = [
        item
        for item in imports
        if item.app == app == item.target_app and item.module != item.target
    ]
    return _cycles(inside, lambda item: item.module, lambda item: item.target)


def _cycles(edges: list[Import], source, target=lambda item: item.target_app) -> list[str]:
    """One shortest cycle through each node that lies on a cycle, each written once, with
    the first import that makes each of its steps."""
    graph: dict[str, set[str]] = defaultdict(set)
    witness: dict[tuple[str, str], Import] = {}
    for item in edges:
        graph[source(item)].add(target(item))
        witness.setdefault((source(item), target(item)), item)
    seen, found = set(), []
    for start in sorted(graph):
        path = _shortest_path_back(graph, start)
        if path is None:
            continue
        lowest = path.index(min(path))
        cycle = path[lowest:] + path[:lowest]
        if tuple(cycle) in seen:
            continue
        seen.add(tuple(cycle))
        steps = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        proof = "; ".join(witness[step].where() for step in steps)
        found.append(f"cycle {' -> '.join([*cycle, cycle[0]])}: {proof}")
    return found


def _shortest_path_back(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The nodes of a shortest path from start back to itself (start first), if any."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for following in sorted(graph.get(node, ())):
            if following == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if following not in parent:
                parent[following] = node
                queue.append(following)
    return None
