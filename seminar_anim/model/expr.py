"""Parse a user's scalar expression through an `ast` whitelist into a plain tree."""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from seminar_anim.errors import ExpressionError

FUNCTIONS: tuple[str, ...] = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "abs")
MAX_OP_NODES = 12
MAX_EXPRESSION_CHARS = 200

_BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
# Python's precedence of the operators we accept, used to print with minimal parentheses.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


@dataclass(frozen=True)
class Num:
    value: float
    text: str


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class Call:
    func: str
    arg: Expr


Expr = Num | Var | BinOp | Neg | Call


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its tree, the source text and its variables in order of appearance."""

    source: str
    tree: Expr
    variables: tuple[str, ...]


def parse_expression(source: str) -> Expression:
    """Parse `source` with the whitelist; any other construct raises `ExpressionError`."""
    text = source.strip()
    if not text:
        raise ExpressionError("the expression is empty: give one such as 'log(w*x + b)'")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; at most {MAX_EXPRESSION_CHARS} can be drawn"
        )
    try:
        module = ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = (error.offset or 1) - 1
        raise ExpressionError(
            f"cannot parse {text!r}: {error.msg} at column {column + 1} ({text[column : column + 12]!r})"
        ) from None
    tree = _Converter(text).convert(module.body)
    variables = tuple(dict.fromkeys(_variables(tree)))
    if not variables:
        raise ExpressionError(f"{text!r} has no variable to differentiate: use a name such as x")
    ops = count_op_nodes(tree)
    if ops == 0:
        raise ExpressionError(f"{text!r} has no operation to trace: combine the variable with a function or operator")
    if ops > MAX_OP_NODES:
        raise ExpressionError(f"{text!r} has {ops} operations; at most {MAX_OP_NODES} fit in one legible graph")
    return Expression(source=text, tree=tree, variables=variables)


def parse_assignments(items: tuple[str, ...] | list[str]) -> dict[str, float]:
    """Turn repeated `NAME=VALUE` options into a mapping, rejecting malformed or duplicate ones."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, number = item.partition("=")
        name, number = name.strip(), number.strip()
        if not sep or not name or not number:
            raise ExpressionError(f"--at {item!r} is malformed: write NAME=VALUE, e.g. --at x=2")
        if not name.isidentifier() or name.startswith("__"):
            raise ExpressionError(f"--at {item!r}: {name!r} is not a variable name")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"--at {item!r}: {number!r} is not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"--at {item!r}: the value must be finite")
        if name in values:
            raise ExpressionError(f"--at gives {name!r} twice")
        values[name] = value
    return values


def bind(expression: Expression, values: dict[str, float]) -> dict[str, float]:
    """The value of each variable in order of appearance; every variable needs exactly one value."""
    missing = [name for name in expression.variables if name not in values]
    if missing:
        hint = " ".join(f"--at {name}=VALUE" for name in missing)
        raise ExpressionError(f"no value for {', '.join(missing)} in {expression.source!r}: add {hint}")
    unused = [name for name in values if name not in expression.variables]
    if unused:
        raise ExpressionError(
            f"--at names {', '.join(unused)}, which {expression.source!r} does not use "
            f"(its variables: {', '.join(expression.variables)})"
        )
    return {name: values[name] for name in expression.variables}


def count_op_nodes(tree: Expr) -> int:
    """Operations that touch a variable: each becomes one node of PyTorch's graph."""
    if not _has_variable(tree):
        return 0
    match tree:
        case BinOp(left=left, right=right):
            return 1 + count_op_nodes(left) + count_op_nodes(right)
        case Neg(operand=inner) | Call(arg=inner):
            return 1 + count_op_nodes(inner)
    return 0


def to_torch_code(tree: Expr) -> str:
    """The expression as PyTorch code, e.g. `torch.log(w * x + b)`."""
    return _code(tree, 0)


def _code(tree: Expr, parent: int) -> str:
    match tree:
        case Num(text=text):
            return text
        case Var(name=name):
            return name
        case Call(func=func, arg=arg):
            return f"torch.{func}({_code(arg, 0)})"
        case Neg(operand=operand):
            own = _PRECEDENCE["neg"]
            text = f"-{_code(operand, own)}"
        case BinOp(op=op, left=left, right=right):
            own = _PRECEDENCE[op]
            # ** is right-associative, the others left-associative.
            left_need = own + 1 if op == "**" else own
            right_need = own if op == "**" else own + 1
            text = f"{_code(left, left_need)} {op} {_code(right, right_need)}"
    return f"({text})" if own < parent else text


def _variables(tree: Expr) -> list[str]:
    match tree:
        case Var(name=name):
            return [name]
        case BinOp(left=left, right=right):
            return _variables(left) + _variables(right)
        case Neg(operand=inner) | Call(arg=inner):
            return _variables(inner)
    return []


def _has_variable(tree: Expr) -> bool:
    return bool(_variables(tree))


class _Converter:
    """Walks Python's ast and accepts only the whitelisted node types."""

    def __init__(self, source: str) -> None:
        self.source = source

    def part(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or type(node).__name__

    def reject(self, node: ast.AST, what: str) -> ExpressionError:
        return ExpressionError(f"{what} {self.part(node)!r} is not allowed in an expression")

    def convert(self, node: ast.expr) -> Expr:
        match node:
            case ast.Constant(value=bool()):
                raise self.reject(node, "the boolean")
            case ast.Constant(value=int() | float() as value):
                return Num(value=float(value), text=self.part(node))
            case ast.Constant():
                raise self.reject(node, "the constant")
            case ast.Name(id=name):
                return self.name(node, name)
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _BINARY_OPS:
                return BinOp(_BINARY_OPS[type(op)], self.convert(left), self.convert(right))
            case ast.BinOp():
                raise self.reject(node, "the operator in")
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return Neg(self.convert(operand))
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.convert(operand)
            case ast.UnaryOp():
                raise self.reject(node, "the operator in")
            case ast.Call():
                return self.call(node)
            case ast.Attribute():
                raise self.reject(node, "attribute access")
            case ast.Subscript():
                raise self.reject(node, "subscript")
            case ast.Lambda():
                raise self.reject(node, "lambda")
            case _:
                raise self.reject(node, f"{type(node).__name__.lower()}")

    def name(self, node: ast.AST, name: str) -> Var:
        if name.startswith("__") or name.endswith("__"):
            raise self.reject(node, "the dunder name")
        if name in FUNCTIONS:
            raise ExpressionError(f"{name!r} is a function: call it, e.g. {name}(x)")
        return Var(name)

    def call(self, node: ast.Call) -> Call:
        if not isinstance(node.func, ast.Name):
            raise self.reject(node.func, "calling")
        func = node.func.id
        if func.startswith("__"):
            raise self.reject(node.func, "the dunder name")
        if func not in FUNCTIONS:
            raise ExpressionError(f"unknown function {func!r} in {self.part(node)!r}; allowed: {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExpressionError(f"{self.part(node)!r}: {func} takes exactly one argument")
        return Call(func, self.convert(node.args[0]))


_TYPST_CALLS = {"exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tanh": "tanh", "sqrt": "sqrt", "abs": "abs"}


def typst_name(name: str) -> str:
    """A variable as Typst math writes it: x, w_1, or an upright multi-letter name."""
    head, digits = name.rstrip("0123456789"), name[len(name.rstrip("0123456789")) :]
    if len(head) == 1 and head.isalpha():
        return f"{head}_{digits}" if digits else head
    return f'"{name}"'


def to_typst(tree: Expr) -> str:
    """The expression as Typst math, e.g. `log(w dot x + b)`."""
    return _typst(tree, 0)


def _typst(tree: Expr, parent: int) -> str:
    match tree:
        case Num(text=text):
            return text
        case Var(name=name):
            return typst_name(name)
        case Call(func=func, arg=arg):
            head = _TYPST_CALLS.get(func, f'op("{func}")')
            return f"{head}({_typst(arg, 0)})"
        case Neg(operand=operand):
            own = _PRECEDENCE["neg"]
            text = f"-{_typst(operand, own)}"
        case BinOp(op="**", left=left, right=right):
            own = _PRECEDENCE["**"]
            text = f"{_typst(left, own + 1)}^({_typst(right, 0)})"
        case BinOp(op=op, left=left, right=right):
            own = _PRECEDENCE[op]
            symbol = {"*": "dot", "/": "\\/"}.get(op, op)
            text = f"{_typst(left, own)} {symbol} {_typst(right, own + 1)}"
    return f"({text})" if own < parent else text
