"""Advisory checks on a submission's source text, made by the grader outside the sandbox.

``gate(source, module_names)`` lists what in a cell shows the intent to reach into or
change the grader: writing to attributes of imported library modules (rebinding
``np.testing.assert_allclose``, ``torch.Tensor.__eq__``, ``builtins.len``, entries of
``sys.modules``), walking frames and tracebacks, the garbage collector's object lists,
``ctypes``, ``/proc``, dunder escapes (``__subclasses__``, ``__globals__``, ``__code__``,
``__builtins__``), tracing and audit hooks, ``atexit``, signal handlers, IPython's input
and error hooks. Findings are notes for the instructor's report: the sandbox is what
keeps a submission away from the grader, so a finding never costs points and nothing
else a student may write (imports, local names that shadow a module, ``setattr`` on
their own objects, ``help``, ``dir``, ``input`` as a variable, ``open`` of a relative
file, scratch cells) is one. Each finding is one short line starting with the line
number; the text quoted from the source is bounded and has no newlines.

The notebook contract (``grade_id``, ``compare``) lives in :mod:`course_grader.notebook`
and is re-exported here for older callers.
"""

from __future__ import annotations

import ast
import re

import nbformat

from course_grader.notebook import _checksum, _constant, compare, grade_id, parse  # noqa: F401 (re-exported)

__all__ = ["gate", "syntax_error", "grade_id", "compare", "added_code"]

# attributes whose use is frame or traceback walking, or a dunder escape, whatever they are read from
FRAME_ATTRIBUTES = {"_getframe", "_current_frames", "currentframe", "f_back", "f_globals", "f_locals",
                    "f_builtins", "tb_frame", "gi_frame", "cr_frame", "ag_frame"}
DUNDER_ESCAPES = {"__subclasses__", "__globals__", "__code__", "__builtins__"}
HOOK_ATTRIBUTES = {"settrace", "setprofile", "addaudithook", "settrace_all_threads", "setprofile_all_threads"}
IPYTHON_HOOKS = {"input_transformers_post", "input_transformers_cleanup", "ast_transformers", "set_custom_exc",
                 "showtraceback", "showsyntaxerror", "run_cell", "run_cell_async"}  # changing them, not using them
# library functions (by dotted path of what was imported) that are findings wherever they appear
WATCHED_PATHS = {
    "sys._getframe": "walks the call stack", "sys._current_frames": "walks the call stack",
    "inspect.currentframe": "walks the call stack", "inspect.stack": "walks the call stack",
    "inspect.trace": "walks the call stack", "inspect.getouterframes": "walks the call stack",
    "inspect.getinnerframes": "walks the call stack",
    "gc.get_referrers": "searches the garbage collector's objects",
    "gc.get_referents": "searches the garbage collector's objects",
    "gc.get_objects": "searches the garbage collector's objects",
    "sys.settrace": "installs a tracing hook", "sys.setprofile": "installs a tracing hook",
    "sys.addaudithook": "installs an audit hook", "sys.monitoring": "installs a tracing hook",
    "threading.settrace": "installs a tracing hook", "threading.setprofile": "installs a tracing hook",
    "signal.signal": "installs a signal handler", "signal.setitimer": "sets a signal timer",
    "signal.alarm": "sets a signal timer", "signal.set_wakeup_fd": "installs a signal handler",
    "signal.siginterrupt": "changes signal handling",
    "atexit.register": "registers an exit handler",
}
WATCHED_MODULES = {"ctypes": "imports `ctypes`", "atexit": "imports `atexit`"}
# a write into these (anywhere in the dotted path) is a finding whatever value is written
GRADER_PARTS = {"testing", "checks", "course_utils", "course_grader", "builtins", "modules", "unittest", "pytest"}
SYS_MODULES_MUTATORS = {"update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"}
PROC_PATH = re.compile(r"(?:^|[^A-Za-z0-9_.])/proc(?:/|$)")
FORMAT_REACH = re.compile(r"\{[^{}]*\.(" + "|".join(sorted(DUNDER_ESCAPES | FRAME_ATTRIBUTES)) + r")\b[^{}]*\}")
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
          ast.DictComp, ast.GeneratorExp)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _code(node: ast.AST, limit: int = 60) -> str:
    try:
        return _short(ast.unparse(node), limit)
    except (RecursionError, MemoryError, ValueError, AttributeError):
        return "..."


def _imported_names(tree: ast.AST) -> set[str]:
    """Names an import statement anywhere in ``tree`` binds (the runner gives the setup's to ``gate``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*")
    return names


def syntax_error(source) -> str | None:
    """Why ``source`` does not parse as Python, or None."""
    if not isinstance(source, str):
        return "the cell's source is not text"
    try:
        ast.parse(source)
    except SyntaxError as exc:
        magic = " (IPython magics such as %timeit cannot be graded: remove them)" if "%" in source else ""
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return f"{where}{_short(exc.msg, 100)}{magic}"
    except (RecursionError, MemoryError):
        return "the code is nested too deeply for Python's parser"
    except (ValueError, OverflowError) as exc:  # null bytes and the like
        return _short(str(exc), 100)
    return None


class _Scope:
    def __init__(self, parent: _Scope | None, kind: str):
        self.parent, self.kind = parent, kind
        self.imports: dict[str, str] = {}  # name -> dotted path of what it was bound to
        self.aliases: dict[str, ast.AST] = {}  # name = <attribute chain>
        self.local: set[str] = set()  # bound to anything else
        self.globals: set[str] = set()


class _Gate:
    def __init__(self, module_names):
        self.setup = set(module_names)
        self.found: list[tuple[int, str]] = []

    # -- scopes and what names refer to ------------------------------------------------------

    def _bindings(self, tree: ast.Module) -> list[tuple[ast.AST, _Scope]]:
        """Every node with its scope; the scopes' bindings filled in (iteratively: deep trees are fine)."""
        module = _Scope(None, "module")
        self.module = module
        nodes = []
        todo: list[tuple[ast.AST, _Scope]] = [(tree, module)]
        while todo:
            node, scope = todo.pop()
            nodes.append((node, scope))
            inner = scope
            if isinstance(node, SCOPES):
                inner = _Scope(scope, "class" if isinstance(node, ast.ClassDef) else "function")
                if not isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    scope.local.add(node.name)
                # decorators, defaults, bases and annotations are evaluated in the enclosing scope
                outer = [*getattr(node, "decorator_list", []), *getattr(node, "bases", []),
                         *getattr(node, "keywords", [])]
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    outer += [d for d in node.args.defaults + node.args.kw_defaults if d is not None]
                todo += [(child, scope) for child in outer]
                skip = set(map(id, outer))
                todo += [(child, inner) for child in ast.iter_child_nodes(node) if id(child) not in skip]
                continue
            if isinstance(node, ast.arg):
                scope.local.add(node.arg)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        scope.imports[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        scope.imports[top] = top
            elif isinstance(node, ast.ImportFrom) and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        scope.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                scope.globals.update(node.names)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, (ast.Name, ast.Attribute)):
                self._alias(scope, node.targets[0].id, node.value)
                todo.append((node.value, scope))
                continue
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                scope.local.add(node.id)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                scope.local.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                scope.local.add(node.rest)
            todo += [(child, inner) for child in ast.iter_child_nodes(node)]
        return nodes

    def _alias(self, scope: _Scope, name: str, value: ast.AST) -> None:
        if name in scope.aliases and scope.aliases[name] is not value:
            scope.local.add(name)  # bound twice: not a plain alias
        scope.aliases[name] = value

    def _lookup(self, name: str, scope: _Scope | None, depth: int = 0) -> str | None:
        """The dotted path of the library object ``name`` refers to in ``scope``, or None if it is local."""
        if depth > 20:
            return None
        while scope is not None:
            if name in scope.globals:
                scope = self.module
                assert scope is not None
            if name in scope.local:
                return None
            if name in scope.aliases:
                value = scope.aliases[name]
                root = value
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id == name:  # `np = np.testing`: np as it was before
                    before = scope.imports.get(name) or self._lookup(name, self._outer(scope), depth + 1)
                    suffix = _code(value, 10_000)[len(name):]
                    return before + suffix if before else None
                path = self._path(value, scope, depth + 1)
                return path if path or name not in scope.imports else None
            if name in scope.imports:
                return scope.imports[name]
            scope = self._outer(scope)
        return name if name in self.setup else None

    @staticmethod
    def _outer(scope: _Scope) -> _Scope | None:
        outer = scope.parent
        while outer is not None and outer.kind == "class":
            outer = outer.parent  # a class body's names are not visible in the functions inside it
        return outer

    def _path(self, node: ast.AST, scope: _Scope, depth: int = 0) -> str | None:
        """Dotted path of an attribute chain rooted at a library name (``np.testing`` -> ``numpy.testing``)."""
        attrs = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self._lookup(node.id, scope, depth)
        return ".".join([root, *reversed(attrs)]) if root else None

    # -- findings -------------------------------------------------------------------------------

    def add(self, node: ast.AST, why: str) -> None:
        self.found.append((getattr(node, "lineno", 0), why))

    def run(self, tree: ast.Module) -> list[str]:
        nodes = self._bindings(tree)
        assigned = {}
        for node, _ in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                    assigned[id(target)] = node.value
        for node, scope in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    if top in WATCHED_MODULES:
                        self.add(node, WATCHED_MODULES[top])
                    elif alias.name in WATCHED_PATHS:
                        self.add(node, f"{WATCHED_PATHS[alias.name]} (`{alias.name}`)")
            elif isinstance(node, ast.ImportFrom) and not node.level:
                top = (node.module or "").split(".")[0]
                if top in WATCHED_MODULES:
                    self.add(node, WATCHED_MODULES[top])
                for alias in node.names:
                    path = f"{node.module}.{alias.name}"
                    if path in WATCHED_PATHS:
                        self.add(node, f"{WATCHED_PATHS[path]} (`{_short(path)}`)")
                    elif alias.name in DUNDER_ESCAPES or alias.name in FRAME_ATTRIBUTES:
                        self.add(node, f"imports `{_short(alias.name)}`")
            elif isinstance(node, ast.Attribute):
                self._attribute(node, scope, assigned)
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self._write(node, scope, assigned.get(id(node)))
            elif isinstance(node, ast.Name):
                if node.id == "__builtins__":
                    self.add(node, "uses `__builtins__`")
                elif isinstance(node.ctx, ast.Load) and (watched := self._lookup(node.id, scope)) is not None \
                        and watched in WATCHED_PATHS:
                    self.add(node, f"{WATCHED_PATHS[watched]} (`{_short(watched)}`)")
            elif isinstance(node, ast.Call):
                self._call(node, scope)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if PROC_PATH.search(node.value):
                    self.add(node, f"names a /proc path ({_short(repr(node.value), 40)})")
                elif match := FORMAT_REACH.search(node.value):
                    self.add(node, f"has a format string that reaches `.{match.group(1)}`")
        ordered = sorted(set(self.found), key=lambda f: (f[0], self.found.index(f)))
        return [f"line {line or '?'}: {why}" for line, why in ordered]

    def _attribute(self, node: ast.Attribute, scope: _Scope, assigned: dict) -> None:
        attr = node.attr
        if attr in FRAME_ATTRIBUTES:
            self.add(node, f"walks frames or tracebacks (`{_code(node)}`)")
        elif attr in DUNDER_ESCAPES:
            self.add(node, f"uses `.{attr}`")
        elif attr in HOOK_ATTRIBUTES:
            self.add(node, f"installs a tracing or audit hook (`{_code(node)}`)")
        elif attr in IPYTHON_HOOKS and isinstance(node.ctx, (ast.Store, ast.Del)):
            self.add(node, f"changes IPython's `{attr}` (get_ipython)")
        elif attr in IPYTHON_HOOKS and attr.startswith(("input_", "ast_")):
            self.add(node, f"hooks into IPython's input handling (get_ipython): `{_code(node)}`")
        elif attr == "set_custom_exc":
            self.add(node, "hooks into IPython's error handling (get_ipython)")
        elif (path := self._path(node, scope)) in WATCHED_PATHS:
            self.add(node, f"{WATCHED_PATHS[path]} (`{_short(path)}`)")
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._write(node, scope, assigned.get(id(node)))

    def _write(self, target: ast.AST, scope: _Scope, value: ast.AST | None) -> None:
        """``target`` (an attribute or item) is assigned ``value`` (None: deleted or augmented)."""
        chain, node, through_attribute = [], target, False
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            if isinstance(node, ast.Attribute):
                chain.append(node.attr)
                through_attribute = True
            node = node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars" \
                and node.args and self._path(node.args[0], scope):
            self.add(target, f"changes `{_code(target)}`, which belongs to a library")
            return
        if not isinstance(node, ast.Name) or not through_attribute:
            return  # a local object, or an item of a module (which fails anyway)
        root = self._lookup(node.id, scope)
        if root is None:
            return  # a local name, even one that shadows a module of the setup
        parts = set(root.split(".")) | set(chain)
        path = root + "." + ".".join(reversed(chain))
        if path.startswith("sys.modules") or root == "sys" and chain[-1] == "modules":
            self.add(target, f"writes to `sys.modules` (`{_code(target)}`)")
        elif root.split(".")[0] == "builtins":
            self.add(target, f"rebinds `{_code(target)}` (a builtin)")
        elif parts & GRADER_PARTS or any(a.startswith("__") and a.endswith("__") for a in chain) \
                or value is None or not _constant(value):
            self.add(target, f"changes `{_code(target)}`, which belongs to a library")

    def _call(self, node: ast.Call, scope: _Scope) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("setattr", "delattr", "getattr", "hasattr") and node.args:
            name = node.args[1] if len(node.args) > 1 else None
            attr = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None
            if attr in FRAME_ATTRIBUTES or attr in DUNDER_ESCAPES or attr in HOOK_ATTRIBUTES:
                self.add(node, f"reaches `.{attr}` through {func.id}")
            elif func.id in ("setattr", "delattr") and (path := self._path(node.args[0], scope)):
                shown = f"{_short(path)}.{_short(attr, 30)}" if attr else f"an attribute of `{_short(path)}`"
                value = node.args[2] if func.id == "setattr" and len(node.args) > 2 else None
                if path.split(".")[0] == "builtins" or set(path.split(".")) & GRADER_PARTS \
                        or value is None or not _constant(value) or (attr or "").startswith("__"):
                    self.add(node, f"changes `{shown}` with {func.id}, which belongs to a library")
        elif isinstance(func, ast.Attribute) and func.attr in SYS_MODULES_MUTATORS \
                and (self._path(func.value, scope) or "").endswith("sys.modules"):
            self.add(node, f"writes to `sys.modules` (`{_code(func)}`)")


def gate(source, module_names=frozenset()) -> list[str]:
    """What in ``source`` shows intent to reach or change the grader (notes for the instructor).

    ``module_names``: the names the setup cell binds to modules (``np``, ``checks``, ...).
    A cell that does not parse has no findings (the grader reports its syntax error).
    """
    tree = parse(source)
    if tree is None:
        return []
    try:
        return _Gate(module_names).run(tree)
    except (RecursionError, MemoryError):
        return ["line ?: the code is nested too deeply to be checked"]


def added_code(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    """Code cells that are not answer cells and differ from every cell of the released notebook
    (kept for older callers: :func:`course_grader.notebook.read_submission` is the contract)."""
    original = {_checksum(c.source) for c in released.cells if c.cell_type == "code"}
    return [c.source for c in submitted.cells
            if c.get("cell_type") == "code" and not grade_id(c) and isinstance(c.get("source"), str)
            and _checksum(c.source) not in original]
