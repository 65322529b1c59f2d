"""The package's import graph, read from the source (every import, also those inside functions):
no cycle, and the core (everything outside any2point/tools/) imports no tool."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "any2point"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(name: str) -> str:
    """The module a dotted name refers to: itself when it is a module or package, else its parent
    (`from . import geometry` names a module; `from .config import TrainConfig` a class in one)."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    if path.with_suffix(".py").exists() or (path / "__init__.py").exists():
        return name
    return name.rsplit(".", 1)[0]


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports."""
    graph = {}
    for path in sorted(root.rglob("*.py")):
        me = module_name(path)
        package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
        out = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != "any2point":
                    continue
                if node.module is None or resolve(target) == target and (PACKAGE.parent / target.replace(".", "/")).is_dir():
                    out.update(resolve(f"{target}.{a.name}") for a in node.names)  # from . import x, y
                else:
                    out.add(resolve(target))
            elif isinstance(node, ast.Import):
                out.update(resolve(a.name) for a in node.names if a.name.split(".")[0] == "any2point")
        out.discard(me)
        graph[me] = out
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert {"any2point.geometry", "any2point.config", "any2point.batches"} <= graph["any2point.train"] | graph["any2point.batches"]
    assert "any2point.checkpoint" in graph["any2point.tools.latency"] or "any2point.exported" in graph["any2point.tools.latency"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the check can fail


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_core_imports_no_tool():
    graph = import_graph()
    core = {m: deps for m, deps in graph.items() if not m.startswith("any2point.tools")}
    assert {m: sorted(d for d in deps if d.startswith("any2point.tools")) for m, deps in core.items()
            if any(d.startswith("any2point.tools") for d in deps)} == {}


if __name__ == "__main__":  # print the graph and its cycles (docs/training.md, "Where things are")
    g = import_graph()
    for m in sorted(g):
        print(f"{m}: {', '.join(sorted(g[m])) or '-'}")
    print("cycles:", cycles(g) or "none")
