"""Python source in notebook cells: parsing it, and what its top-level statements define.

The contract (:mod:`course_grader.notebook`) uses these to tell helper definitions a
student may add (imports, def, class, constants) from code that does something, and
to know which names an exercise's reference solution binds.
"""

from __future__ import annotations

import ast


def parse(source) -> ast.Module | None:
    """The AST of ``source``, or None if it is not text or not Python (syntax error, IPython magics,
    too deeply nested for the parser, null bytes)."""
    if not isinstance(source, str):
        return None
    try:
        return ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError, ValueError, OverflowError):
        return None


def _constant(node: ast.AST, depth: int = 0) -> bool:
    """A constant expression: literals, containers of them, unary and binary operations on them."""
    if depth > 50:
        return False
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e, depth + 1) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _constant(k, depth + 1) for k in node.keys) and \
            all(_constant(v, depth + 1) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand, depth + 1)
    if isinstance(node, ast.BinOp):
        return _constant(node.left, depth + 1) and _constant(node.right, depth + 1)
    return False


def _name_targets(target: ast.AST) -> list[str] | None:
    """Names a plain assignment target binds; None if it writes anything else (an attribute, an item)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _name_targets(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        names = []
        for element in target.elts:
            inner = _name_targets(element)
            if inner is None:
                return None
            names += inner
        return names
    return None


def _simple_annotation(node: ast.AST) -> bool:
    return all(isinstance(n, (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Tuple, ast.Load,
                              ast.BinOp, ast.BitOr)) for n in ast.walk(node))


def _definition_binds(stmt: ast.stmt) -> list[str] | None:
    """The names a top-level definition statement binds ([] for a docstring), or None if ``stmt``
    is not a definition: import, def, async def, class, assignment of a constant expression."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [(alias.asname or alias.name).split(".")[0] for alias in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        if stmt.level or any(alias.name == "*" for alias in stmt.names):
            return None  # relative or star imports: what they bind is unknown here
        return [alias.asname or alias.name for alias in stmt.names]
    if isinstance(stmt, ast.Assign) and _constant(stmt.value):
        names = []
        for target in stmt.targets:
            inner = _name_targets(target)
            if inner is None:
                return None
            names += inner
        return names
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
            (stmt.value is None or _constant(stmt.value)) and _simple_annotation(stmt.annotation):
        return [stmt.target.id]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
        return []  # a docstring
    if isinstance(stmt, ast.Pass):
        return []
    return None


def definitions_only(source: str) -> bool:
    """True if every top-level statement of ``source`` is a definition (see :func:`read_submission`)."""
    tree = parse(source)
    return tree is not None and all(_definition_binds(s) is not None for s in tree.body)


def defined_names(source: str) -> list[str]:
    """Top-level names ``source`` binds with def, class or assignment (imports left out), in order;
    blocks at top level (if, try, with, for) are looked into, function and class bodies are not."""
    tree = parse(source)
    if tree is None:
        return []
    names: list[str] = []
    todo = list(reversed(tree.body))
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(stmt.name)
            continue
        targets = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            targets = [stmt.target]
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
        for block in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, block, None)
            if isinstance(inner, list) and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef)):
                todo += reversed([s for s in inner if isinstance(s, ast.stmt)])
    return list(dict.fromkeys(names))


def _segment(source: str, body: list[ast.stmt], index: int) -> str:
    """The text of top-level statement ``body[index]`` (comments kept when it has its lines to itself)."""
    stmt = body[index]
    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
    last = stmt.end_lineno or stmt.lineno
    previous_end = body[index - 1].end_lineno if index else 0
    next_start = body[index + 1].lineno if index + 1 < len(body) else None
    if (previous_end or 0) < first and (next_start is None or next_start > last):
        return "\n".join(source.splitlines()[first - 1:last])
    try:
        return ast.unparse(stmt)  # shares a line with another statement (`a = 1; print(a)`)
    except (RecursionError, MemoryError, ValueError):
        return ""
