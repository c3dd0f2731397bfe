"""Concept packages import each other in one direction only: no cycle through their __init__s."""
import ast
import pathlib

SERVER = pathlib.Path(__file__).resolve().parents[2] / "server"


def concept_packages():
    """Return the names of the server packages that declare a concept."""
    return {p.parent.name for p in SERVER.glob("*/__init__.py") if "CONCEPT = Concept(" in p.read_text("utf-8")}


def run_at_import(tree):
    """Yield the nodes a module runs when imported (not those inside functions: a lazy import)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(child for child in ast.iter_child_nodes(node)
                    if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))


def imported(path, lazy=False):
    """Yield the modules a file imports when loaded, or anywhere if lazy (`from server import x` as server.x)."""
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree) if lazy else run_at_import(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            if node.module == "server":
                yield from (f"server.{alias.name}" for alias in node.names)


def concept_graph():
    """Return {concept: concepts it imports at load time}, from every module of each concept package."""
    concepts = concept_packages()
    graph = {}
    for name in concepts:
        targets = set()
        for path in (SERVER / name).rglob("*.py"):
            for module in imported(path):
                parts = module.split(".")
                if len(parts) > 1 and parts[0] == "server" and parts[1] in concepts and parts[1] != name:
                    targets.add(parts[1])
        graph[name] = targets
    return graph


def cycle_in(graph):
    """Return one cycle of the graph as a list of nodes, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target, path + [target])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


def test_the_gate_concepts_are_among_those_found():
    """The scan sees the concept packages (a scan that finds none would pass vacuously)."""
    assert {"visitors", "watchlist", "expected", "vehicles"} <= concept_packages()


def test_no_concept_package_imports_another_in_a_cycle():
    """Importing any module of a concept runs its __init__: a cycle makes the import order matter."""
    cycle = cycle_in(concept_graph())
    assert cycle is None, "concept packages import each other in a cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    """The finder itself reports a two-step cycle and passes a chain."""
    assert cycle_in({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_the_venue_names_no_concept():
    """The venue file's loader reaches concepts' sections through the registry, never by import."""
    named = {module.split(".")[1] for module in imported(SERVER / "venue.py", lazy=True)
             if module.startswith("server.")}
    assert not named & concept_packages()
