"""Parse a user's scalar expression through an `ast` whitelist into a plain tree."""

from __future__ import annotations

import ast
import math
import unicodedata
from dataclasses import dataclass

from seminar_anim.errors import ExpressionError, clipped

FUNCTIONS: tuple[str, ...] = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "abs")
MAX_OP_NODES = 24
MAX_EXPRESSION_CHARS = 200
# Names the generated code uses itself, so a variable may not take them.
RESERVED_NAMES = {"f": "f is the output", "torch": "the module", "print": "the print call"}
MAX_NAME_CHARS = 16  # a variable's name fits under its node, in the title and in the code panel
FLOAT32_MAX = 3.4028234663852886e38
FLOAT32_TINY = 1.401298464324817e-45  # the smallest float32 above 0 (a subnormal)

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
    variables = tuple(dict.fromkeys(variables_of(tree)))
    if not variables:
        raise ExpressionError(f"{text!r} has no variable to differentiate: use a name such as x")
    ops = count_op_nodes(tree)
    if ops == 0:
        raise ExpressionError(f"{text!r} has no operation to trace: combine the variable with a function or operator")
    if ops > MAX_OP_NODES:
        raise ExpressionError(f"{text!r} has {ops} operations; at most {MAX_OP_NODES} fit in one legible graph")
    return Expression(source=text, tree=tree, variables=variables)


def check_name_length(name: str) -> None:
    if len(name) > MAX_NAME_CHARS:
        raise ExpressionError(
            f"the name {clipped(name)!r} is {len(name)} characters long; at most {MAX_NAME_CHARS} fit the frame"
        )


def check_number(value: float, what: str) -> None:
    """A number the graph computes with in float32: finite, inside float32's range, and not one
    that float32 rounds to 0."""
    if not math.isfinite(value):
        raise ExpressionError(f"{what}: the value must be finite, not {value}")
    if abs(value) > FLOAT32_MAX:
        raise ExpressionError(f"{what}: {value:g} is beyond float32's range (about ±3.4e38)")
    if value != 0 and abs(value) < FLOAT32_TINY / 2:
        raise ExpressionError(f"{what}: {value:g} is 0 in float32 (the smallest above 0 is about 1.4e-45)")


def parse_assignments(items: tuple[str, ...] | list[str]) -> dict[str, float]:
    """Turn repeated `NAME=VALUE` options into a mapping, rejecting malformed or duplicate ones."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, number = item.partition("=")
        # As Python's parser reads identifiers in the expression (PEP 3131): full-width x is x.
        name, number = unicodedata.normalize("NFKC", name.strip()), number.strip()
        if not sep or not name or not number:
            raise ExpressionError(f"--at {clipped(item)!r} is malformed: write NAME=VALUE, e.g. --at x=2")
        if not name.isidentifier() or name.startswith("__") or name in RESERVED_NAMES:
            raise ExpressionError(f"--at {clipped(item)!r}: {clipped(name)!r} is not a variable name")
        check_name_length(name)
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"--at {clipped(item)!r}: {clipped(number)!r} is not a number") from None
        check_number(value, f"--at {name}={clipped(number)}")
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
    """The expression as PyTorch code, e.g. `torch.log(w * x + b)`: what the tracer runs."""
    return _print(tree, 0, typst=False)


def to_typst(tree: Expr) -> str:
    """The expression as Typst math, e.g. `log(w dot x + b)`."""
    return _print(tree, 0, typst=True)


def tensor_numerator(node: BinOp) -> bool:
    """Whether a constant numerator runs as a tensor.

    Python's `2 / x` records two autograd nodes (a reciprocal, then a multiplication);
    `torch.tensor(2.0) / x` records the one division the expression means, so the tracer
    runs, and the code panel shows, that form. Every other constant stays a Python number.
    """
    return node.op == "/" and isinstance(node.left, Num) and _has_variable(node.right)


def number_text(value: float) -> str:
    """A constant as code writes it: 2, 0.5, 1e-06."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


_TYPST_CALLS = {"exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tanh": "tanh", "sqrt": "sqrt", "abs": "abs"}


def typst_name(name: str) -> str:
    """A variable as Typst math writes it: x, w_1, or an upright multi-letter name."""
    head = name.rstrip("0123456789")
    digits = name[len(head) :]
    if len(head) == 1 and head.isalpha():
        return f"{head}_{digits}" if digits else head
    return f'"{name}"'


def _print(tree: Expr, parent: int, typst: bool) -> str:
    """Either printer, with parentheses only where Python's precedence needs them."""
    match tree:
        case Num(value=value):
            return number_text(value)
        case Var(name=name):
            return typst_name(name) if typst else name
        case Call(func=func, arg=arg):
            head = _TYPST_CALLS.get(func, f'op("{func}")') if typst else f"torch.{func}"
            return f"{head}({_print(arg, 0, typst)})"
        case Neg(operand=operand):
            own = _PRECEDENCE["neg"]
            text = f"-{_print(operand, own, typst)}"
        case BinOp(op="**", left=left, right=right):
            # ** is right-associative and binds tighter than unary minus on its left.
            own = _PRECEDENCE["**"]
            base = _print(left, own + 1, typst)
            text = f"{base}^({_print(right, 0, typst)})" if typst else f"{base} ** {_print(right, own, typst)}"
        case BinOp(op=op, left=left, right=right):
            own = _PRECEDENCE[op]
            first = _print(left, own, typst)
            if not typst and isinstance(left, Num) and tensor_numerator(tree):
                first = f"torch.tensor({left.value!r})"
            symbol = {"*": "dot", "/": "\\/"}.get(op, op) if typst else op
            text = f"{first} {symbol} {_print(right, own + 1, typst)}"
    return f"({text})" if own < parent else text


def variables_of(tree: Expr) -> list[str]:
    match tree:
        case Var(name=name):
            return [name]
        case BinOp(left=left, right=right):
            return variables_of(left) + variables_of(right)
        case Neg(operand=inner) | Call(arg=inner):
            return variables_of(inner)
    return []


def _has_variable(tree: Expr) -> bool:
    return bool(variables_of(tree))


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
                try:
                    number = float(value)
                except OverflowError:
                    number = math.inf
                check_number(number, f"the constant {clipped(self.part(node))}")
                return Num(number)
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
        if name in RESERVED_NAMES:
            raise ExpressionError(f"{name!r} is taken by the code shown ({RESERVED_NAMES[name]}): rename the variable")
        check_name_length(name)
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
