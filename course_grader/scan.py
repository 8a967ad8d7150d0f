"""Checks on a submission's source text, made by the grader outside the sandbox.

``gate(source)`` lists what an answer cell may not contain: the ways around a test
(frames, tracing, ctypes, the garbage collector, exec/eval, dynamic attribute
names, private or dunder internals, rebinding library functions), process and file
access, and IPython hooks. An answer cell with findings is not run: it scores 0
and is flagged for the instructor to review. ``compare`` reports test cells and
other locked cells that a submission edited, deleted or retyped.
"""

from __future__ import annotations

import ast
import hashlib
import re

import nbformat

BANNED_MODULES = {
    "ctypes", "gc", "inspect", "traceback", "signal", "threading", "_thread", "subprocess", "socket", "builtins",
    "importlib", "pickle", "marshal", "shutil", "multiprocessing", "code", "codeop", "dis", "atexit",
    "faulthandler", "resource", "pty", "fcntl", "mmap", "urllib", "http", "requests", "sqlite3", "nbgrader",
    "runpy", "concurrent", "asyncio", "site", "zipimport", "pkgutil", "linecache", "copyreg", "dill",
    "cloudpickle", "joblib", "IPython", "io", "pathlib", "tempfile", "glob", "sysconfig", "posix", "pwd",
}
ALLOWED_ATTRIBUTES = {  # the only parts of os and sys an answer may use
    "os": {"path", "cpu_count", "getenv", "sep", "linesep"},
    "sys": {"stdout", "stderr", "float_info", "maxsize", "version_info", "platform", "float_repr_style"},
}
BANNED_NAMES = {"exec", "eval", "compile", "__import__", "globals", "locals", "vars", "breakpoint", "open",
                "input", "get_ipython", "setattr", "delattr", "memoryview", "__builtins__", "__loader__",
                "__spec__", "help", "dir"}
BANNED_ATTRIBUTES = {
    "_getframe", "_current_frames", "settrace", "setprofile", "addaudithook", "f_back", "f_locals", "f_globals",
    "f_code", "f_builtins", "tb_frame", "tb_next", "gi_frame", "cr_frame", "ag_frame", "gi_code", "co_consts",
    "co_code", "load", "loads", "fromfile", "tofile", "memmap", "load_inline", "from_file", "ctypeslib",
    "ctypes", "system", "popen", "spawnv", "fork", "_exit", "kill", "grading", "harness", "showtraceback",
    "input_transformers_post", "input_transformers_cleanup", "set_custom_exc", "hub", "cpp_extension",
    "environ", "modules", "attrgetter", "methodcaller", "os", "sys", "builtins", "execfile", "subprocess",
    "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__", "__bases__", "__base__",
    "__mro__", "__dict__", "__getattribute__", "__traceback__", "__reduce__", "__reduce_ex__", "__import__",
    "__loader__", "__spec__", "__self__", "__func__", "__wrapped__", "__defaults__", "__kwdefaults__",
    "__setattr__", "__delattr__", "__getattr__", "__class_getitem__", "__init_subclass__", "__set_name__",
}
# EfficientNet-Lite's public-by-use parts (module 05): its head `_fc`, its blocks and stem/head convolutions
MODEL_ATTRIBUTES = {"_fc", "_blocks", "_conv_stem", "_conv_head", "_bn0", "_bn1"}
FORMAT_REACH = re.compile(r"\{[^{}]*\.(?:_|f_|tb_|gi_|co_)[^{}]*\}")


def _imported_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _attribute_problem(name: str, base: ast.AST) -> str | None:
    if name in BANNED_ATTRIBUTES:
        return f"uses `.{name}`"
    if name.startswith("_") and not name.startswith("__") and name not in MODEL_ATTRIBUTES and not (
            isinstance(base, ast.Name) and base.id in ("self", "cls")):
        return f"reaches into the private attribute `.{name}`"
    return None


def syntax_error(source: str) -> str | None:
    """Why ``source`` does not parse as Python, or None."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        magic = " (IPython magics such as %timeit cannot be graded: remove them)" if "%" in source else ""
        return f"line {exc.lineno}: {exc.msg}{magic}"
    return None


def gate(source: str, module_names: set[str] = frozenset()) -> list[str]:
    """Why this answer cell may not be run (empty if it may). ``module_names``: modules the setup binds."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # nothing runs that does not parse; see syntax_error
    modules = set(module_names) | _imported_names(tree)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found: list[str] = []

    def add(node: ast.AST, why: str) -> None:
        found.append(f"line {getattr(node, 'lineno', '?')}: {why}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in BANNED_MODULES or alias.name.startswith("course_grader"):
                    add(node, f"imports `{alias.name}`")
        elif isinstance(node, ast.ImportFrom):
            top = (node.module or "").split(".")[0]
            if top in BANNED_MODULES or (node.module or "").startswith("course_grader") or node.level:
                add(node, f"imports from `{node.module}`")
            for alias in node.names:
                if alias.name == "*":
                    add(node, f"uses `from {node.module} import *`")
                elif top in ALLOWED_ATTRIBUTES and alias.name not in ALLOWED_ATTRIBUTES[top]:
                    add(node, f"imports `{alias.name}` from `{top}`")
                elif problem := _attribute_problem(alias.name, ast.Name(id="")):
                    add(node, f"imports a name that {problem}")
        elif isinstance(node, ast.Name) and (node.id in BANNED_NAMES or node.id in ("__builtins__",)):
            add(node, f"uses `{node.id}`")
        elif isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in ALLOWED_ATTRIBUTES and base.id in modules:
                if node.attr not in ALLOWED_ATTRIBUTES[base.id]:
                    add(node, f"uses `{base.id}.{node.attr}`")
            elif node.attr == "modules" and id(node) in called:
                pass  # torch's model.modules(); sys.modules is a dict, not called
            elif problem := _attribute_problem(node.attr, base):
                add(node, problem)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr"):
            attr = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)):
                add(node, f"calls `{node.func.id}` with an attribute name computed at run time")
            elif problem := _attribute_problem(attr.value, node.args[0]):
                add(node, problem)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, (ast.Attribute, ast.Subscript)):
                        root = _root(part)
                        if isinstance(root, ast.Name) and root.id in modules:
                            add(node, f"changes `{ast.unparse(part)}`, which belongs to a library")
                            break
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and any(n in modules for n in node.names):
            add(node, "rebinds an imported module with `global`")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and FORMAT_REACH.search(node.value):
            add(node, "has a format string that reaches into attributes")
    return list(dict.fromkeys(found))


def grade_id(cell) -> str | None:
    """The nbgrader grade_id of a notebook cell (None for cells nbgrader does not track)."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _checksum(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def compare(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    """Locked cells (tests, setup, instructions) the submission edited, deleted, retyped or duplicated."""
    seen: dict[str, list] = {}
    for cell in submitted.cells:
        if gid := grade_id(cell):
            seen.setdefault(gid, []).append(cell)
    found = []
    for original in released.cells:
        gid = grade_id(original)
        meta = original.get("metadata", {}).get("nbgrader", {})
        if not gid:
            continue
        copies = seen.get(gid, [])
        what = "test cell" if meta.get("grade") else "answer cell" if meta.get("solution") else "locked cell"
        if not copies:
            found.append(f"{what} {gid} was deleted" + (" (the original was used)" if what != "answer cell" else ""))
            continue
        if len(copies) > 1:
            found.append(f"{what} {gid} appears {len(copies)} times (the first was used)")
        cell = copies[0]
        if cell.cell_type != original.cell_type:
            found.append(f"{what} {gid} was changed to a {cell.cell_type} cell")
        if meta.get("locked") and _checksum(cell.source) != _checksum(original.source):
            found.append(f"{what} {gid} was edited (the original was used)")
        theirs = cell.get("metadata", {}).get("nbgrader", {})
        for key in ("grade", "solution", "locked", "points"):
            if theirs.get(key) != meta.get(key):
                found.append(f"{what} {gid} has changed nbgrader metadata `{key}` "
                             f"({meta.get(key)!r} -> {theirs.get(key)!r}; the original was used)")
    released_ids = {grade_id(c) for c in released.cells}
    for gid in seen:
        if gid not in released_ids:
            found.append(f"cell with unknown grade_id {gid!r} (ignored)")
    return found


def added_code(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    """Code cells that are not answer cells and differ from every cell of the released notebook."""
    original = {_checksum(c.source) for c in released.cells if c.cell_type == "code"}
    return [c.source for c in submitted.cells
            if c.cell_type == "code" and not grade_id(c) and _checksum(c.source) not in original]
