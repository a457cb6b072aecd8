"""The expression whitelist: what it accepts, every rejection, and that user text never runs."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path

import pytest

from seminar_anim.errors import ExpressionError
from seminar_anim.model.expr import (
    FUNCTIONS,
    BinOp,
    Call,
    Neg,
    Num,
    Var,
    bind,
    count_op_nodes,
    parse_assignments,
    parse_expression,
    to_torch_code,
    to_typst,
)


def test_parses_the_seed_exercise_into_a_plain_tree() -> None:
    parsed = parse_expression("log(w*x + b)")
    assert parsed.variables == ("w", "x", "b")
    assert parsed.tree == Call("log", BinOp("+", BinOp("*", Var("w"), Var("x")), Var("b")))
    assert to_torch_code(parsed.tree) == "torch.log(w * x + b)"
    assert to_typst(parsed.tree) == "log(w dot x + b)"


def test_accepts_every_whitelisted_construct() -> None:
    parsed = parse_expression("-(x ** 2) / 3 - +y")
    assert parsed.variables == ("x", "y")
    assert parsed.tree == BinOp("-", BinOp("/", Neg(BinOp("**", Var("x"), Num(2.0))), Num(3.0)), Var("y"))
    for name in FUNCTIONS:
        assert parse_expression(f"{name}(x)").tree == Call(name, Var("x"))
    assert count_op_nodes(Neg(Num(2.0))) == 0


def test_constants_print_as_code_writes_them() -> None:
    assert to_torch_code(parse_expression("1_000 * x + 1e-3").tree) == "1000 * x + 0.001"
    assert to_typst(parse_expression("1_000 * x + 1e-3").tree) == "1000 dot x + 0.001"
    # Python's 2 / x records a reciprocal and a product; the code runs the one division instead.
    assert to_torch_code(parse_expression("2 / x").tree) == "torch.tensor(2.0) / x"
    assert to_torch_code(parse_expression("x / 2").tree) == "x / 2"


def test_printed_code_keeps_the_meaning_of_the_parentheses() -> None:
    for source, code in [
        ("(a - b) - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(x ** y) ** z", "(x ** y) ** z"),
        ("x ** y ** z", "x ** y ** z"),
        ("-(x + 1)", "-(x + 1)"),
        ("(a * b) / (c * d)", "a * b / (c * d)"),
    ]:
        assert to_torch_code(parse_expression(source).tree) == code


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("log(w*x + ", "cannot parse"),
        ("x.grad", "attribute access 'x.grad'"),
        ("x[0]", "subscript 'x[0]'"),
        ("(lambda: 1)()", "calling"),
        ("lambda x: x", "lambda"),
        ("__import__('os')", "dunder name '__import__'"),
        ("x + __class__", "dunder name '__class__'"),
        ("floor(x)", "unknown function 'floor'"),
        ("x if x else x", "ifexp"),
        ("x < 2", "compare"),
        ("x // 2", "the operator in 'x // 2'"),
        ("x % 2", "the operator in"),
        ("not x", "the operator in"),
        ("'a' + x", "the constant"),
        ("True * x", "the boolean"),
        ("log(x, 2)", "log takes exactly one argument"),
        ("log(x=1)", "log takes exactly one argument"),
        ("[x]", "list"),
        ("3 * 2", "no variable"),
        ("x", "no operation"),
        ("exp + x", "'exp' is a function"),
        ("", "empty"),
        ("f * x", "'f' is taken by the code shown"),
        ("torch + x", "'torch' is taken by the code shown"),
        ("x*" * 25 + "x", "25 operations; at most 24"),
        ("x + " * 150 + "x", "at most 200"),
    ],
)
def test_rejections_name_the_offending_part_in_one_line(source: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_unknown_function_lists_the_allowed_ones() -> None:
    with pytest.raises(ExpressionError, match="allowed: exp, log, sin, cos, tanh, sigmoid, relu, sqrt, abs"):
        parse_expression("softmax(x)")


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["x"], "malformed"),
        (["x="], "malformed"),
        (["=2"], "malformed"),
        (["x=two"], "'two' is not a number"),
        (["x=nan"], "must be finite"),
        (["x=inf"], "must be finite"),
        (["x.grad=1"], "not a variable name"),
        (["x=1", "x=2"], "gives 'x' twice"),
    ],
)
def test_malformed_at_values_are_rejected(items: list[str], message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_assignments(items)


def test_every_variable_needs_a_value_and_every_value_a_variable() -> None:
    parsed = parse_expression("w*x + b")
    with pytest.raises(ExpressionError, match="no value for b in 'w\\*x \\+ b': add --at b=VALUE"):
        bind(parsed, {"w": 1.0, "x": 2.0})
    with pytest.raises(ExpressionError, match="--at names z, which"):
        bind(parsed, {"w": 1.0, "x": 2.0, "b": 0.0, "z": 1.0})
    assert bind(parsed, {"b": 0.0, "x": 2.0, "w": 1.0}) == {"w": 1.0, "x": 2.0, "b": 0.0}


INJECTIONS = [
    "__import__('os').system('touch {marker}')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('{marker}', 'w')",
    "exec(\"open('{marker}', 'w')\")",
    "eval(\"open('{marker}', 'w')\")",
    "globals()",
    "x + (lambda: open('{marker}', 'w'))()",
    "[open('{marker}', 'w') for x in 'a']",
]


@pytest.mark.parametrize("template", INJECTIONS)
def test_injection_attempts_execute_nothing(template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "pwned"
    ran: list[str] = []

    def forbidden(name: str) -> Callable[..., None]:
        def call(*args: object, **kwargs: object) -> None:
            ran.append(name)
            raise AssertionError(f"{name} was called on user text")

        return call

    monkeypatch.setattr(builtins, "eval", forbidden("eval"))
    monkeypatch.setattr(builtins, "exec", forbidden("exec"))
    monkeypatch.setattr(builtins, "open", forbidden("open"))
    monkeypatch.setattr(builtins, "__import__", forbidden("__import__"), raising=True)
    try:
        with pytest.raises(ExpressionError):
            parse_expression(template.format(marker=marker))
    finally:
        monkeypatch.undo()
    assert ran == []
    assert not marker.exists()
