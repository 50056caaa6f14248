"""The expression language: grammar, types, errors with positions, and properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.core.errors import ExprError
from adventure.core.expr import INT_MAX, Scope, Var, compile_effect, compile_node, parse_condition, parse_effect, parse_value
from adventure.core.model import Env

SCOPE = Scope(
    {"a": Var(0, "bool"), "b": Var(1, "bool"), "x": Var(2, "int"), "y": Var(3, "int"), "c": Var(4, "int", 0, 5)},
    {"hall": 0, "attic": 1},
)


def ev(src, values=(True, False, 3, -7, 2), visits=(1, 4), turn=9):
    return compile_node(parse_value(src, SCOPE, allow_random=False))(Env(values, visits, turn))


@pytest.mark.parametrize("src,want", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("x - y", 10), ("-x", -3), ("7 / 2", 3), ("-7 / 2", -4),
    ("7 % 3", 1), ("5 / 0", 0), ("5 % 0", 0), ("min(x, y)", -7), ("max(x, y)", 3), ("abs(y)", 7),
    ("visits.attic", 4), ("turn", 9), ("a and not b", True), ("a and b or a", True),
    ("not a or b", False), ("x > y and y < 0", True), ("x == 3", True), ("a == b", False), ("a != b", True),
    ("x >= 3 and x <= 3", True), ("not not a", True), ("9223372036854775807 + 1", INT_MAX),
    ("999999999999999999999999", INT_MAX),
])
def test_evaluates(src, want):
    assert ev(src) == want


@pytest.mark.parametrize("src,msg,col", [
    ("a and", "ends too soon", 6),
    ("x +", "ends too soon", 4),
    ("zz > 1", "undeclared name 'zz'", 1),
    ("x = 1", "'=' assigns", 3),
    ("a + 1", "needs a number", 1),
    ("x and a", "needs a flag", 1),
    ("1 < x < 3", "cannot be chained", 7),
    ("visits.cellar > 0", "unknown room 'cellar'", 8),
    ("a == 1", "compares a flag with a number", 3),
    ("random(1, 6) > 2", "only be used in effects", 1),
    ("x ? 1", "unexpected character '?'", 3),
    ("min(x) > 0", "takes 2 arguments", 1),
    ("(x > 1", "expected ')'", 7),
    ("x > 1 y", "unexpected 'y'", 7),
    ("import", "undeclared name 'import'", 1),
    ("__class__", "undeclared name", 1),
])
def test_condition_errors_point_at_position(src, msg, col):
    with pytest.raises(ExprError) as e:
        parse_condition(src, SCOPE)
    assert msg in e.value.message
    assert e.value.pos + 1 == col


def test_condition_must_be_bool():
    with pytest.raises(ExprError, match="must be true or false"):
        parse_condition("x + 1", SCOPE)


def test_hint_for_misspelt_name():
    with pytest.raises(ExprError, match="did you mean 'x'"):
        parse_condition("xx > 1", Scope({"x": Var(0, "int")}, {}))


def test_nesting_limit():
    with pytest.raises(ExprError, match="nested more than"):
        parse_condition("(" * 200 + "a" + ")" * 200, SCOPE)
    with pytest.raises(ExprError, match="nested more than"):
        parse_condition("not " * 300 + "a", SCOPE)


def test_length_limit():
    with pytest.raises(ExprError, match="longer than"):
        parse_condition(" or ".join(["a"] * 1000), SCOPE)


def run_effects(srcs, values=(True, False, 3, -7, 2), rng=1):
    env = Env(list(values), (1, 1), 0, rng)
    for s in srcs:
        compile_effect(parse_effect(s, SCOPE))(env)
    return env.v, env.rng


def test_effects_apply_in_order_and_clamp():
    v, _ = run_effects(["x += 2", "y = x * 2", "a = false", "c += 10"])
    assert v == [False, False, 5, 10, 5]
    v, _ = run_effects(["c -= 99"])
    assert v[4] == 0


@pytest.mark.parametrize("src,msg", [
    ("a += 1", "needs a counter"), ("x = true", "is a counter"), ("a = 1", "is a flag"),
    ("x == 1", "to compare, use 'if'"), ("turn = 1", "cannot be assigned"), ("q = 1", "undeclared name 'q'"),
    ("x +=", "no value"), ("3 = x", "starts with a declared name"),
])
def test_effect_errors(src, msg):
    with pytest.raises(ExprError, match=msg):
        parse_effect(src, SCOPE)


def test_random_in_effects_is_seeded_and_bounded():
    seen = set()
    rng = 12345
    for _ in range(200):
        v, rng = run_effects(["x = random(1, 6)"], rng=rng)
        assert 1 <= v[2] <= 6
        seen.add(v[2])
    assert seen == {1, 2, 3, 4, 5, 6}
    assert run_effects(["x = random(1, 1000)"], rng=99) == run_effects(["x = random(1, 1000)"], rng=99)


@settings(max_examples=500)
@given(st.text(max_size=80))
def test_any_text_raises_only_expr_error(src):
    for parse in (parse_condition, parse_effect, lambda s, sc: parse_value(s, sc)):
        try:
            parse(src, SCOPE)
        except ExprError:
            pass


TOKENS = ["a", "b", "x", "y", "c", "1", "0", "42", "true", "false", "turn", "visits.hall", "and", "or", "not",
          "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "(", ")", "min(", "abs(", ",", "random("]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=12))
def test_token_soup_raises_only_expr_error(toks):
    try:
        parse_condition(" ".join(toks), SCOPE)
    except ExprError:
        pass


# A reference evaluator over generated trees: what we compile must agree with plain arithmetic
# (saturating at the 64-bit bounds, as documented).
def S(n):
    return max(min(n, INT_MAX), -INT_MAX)


ints = st.deferred(lambda: st.one_of(
    st.integers(-1000, 1000).map(lambda n: (str(n) if n >= 0 else f"({n})", n)),
    st.sampled_from([("x", 3), ("y", -7), ("turn", 9), ("visits.attic", 4)]),
    st.tuples(ints, st.sampled_from(["+", "-", "*"]), ints).map(
        lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", S({"+": t[0][1] + t[2][1], "-": t[0][1] - t[2][1], "*": t[0][1] * t[2][1]}[t[1]]))),
    st.tuples(ints, ints).map(lambda t: (f"min({t[0][0]}, {t[1][0]})", min(t[0][1], t[1][1]))),
))
bools = st.deferred(lambda: st.one_of(
    st.sampled_from([("a", True), ("b", False), ("true", True), ("false", False)]),
    st.tuples(ints, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), ints).map(
        lambda t: (f"{t[0][0]} {t[1]} {t[2][0]}", {"<": t[0][1] < t[2][1], "<=": t[0][1] <= t[2][1], ">": t[0][1] > t[2][1],
                                                   ">=": t[0][1] >= t[2][1], "==": t[0][1] == t[2][1], "!=": t[0][1] != t[2][1]}[t[1]])),
    st.tuples(bools, st.sampled_from(["and", "or"]), bools).map(
        lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", (t[0][1] and t[2][1]) if t[1] == "and" else (t[0][1] or t[2][1]))),
    bools.map(lambda b: (f"not ({b[0]})", not b[1])),
))


@settings(max_examples=300)
@given(bools)
def test_compiled_conditions_agree_with_reference(case):
    src, want = case
    try:
        node = parse_condition(src, SCOPE)
    except ExprError as e:  # only the depth/length limits may refuse a well-formed expression
        assert "nested" in e.message or "longer" in e.message
        return
    assert compile_node(node)(Env((True, False, 3, -7, 2), (1, 4), 9)) == want


BOUNDED = Scope({"c": Var(0, "int", -3, 5), "u": Var(1, "int"), "lo": Var(2, "int", 0, None), "f": Var(3, "bool")}, {})


@settings(max_examples=400)
@given(st.sampled_from(["c", "u", "lo"]), st.sampled_from(["=", "+=", "-="]),
       st.one_of(st.integers(0, 12), st.integers(0, INT_MAX)), st.integers(-INT_MAX, INT_MAX))
def test_literal_effects_agree_with_saturate_then_clamp(name, op, k, start):
    """Effects with a literal right-hand side have their own one-call closures; they must give what
    the documented rule gives: saturate at the 64-bit bounds, then clamp to the counter's bounds."""
    var = BOUNDED.vars[name]
    if var.lo is not None:
        start = max(start, var.lo)
    if var.hi is not None:
        start = min(start, var.hi)
    values = [start if i == var.index else 0 for i in range(3)] + [False]
    env = Env(list(values), (), 0)
    compile_effect(parse_effect(f"{name} {op} {k}", BOUNDED))(env)
    x = {"=": k, "+=": start + k, "-=": start - k}[op]
    x = S(x)
    if var.lo is not None:
        x = max(x, var.lo)
    if var.hi is not None:
        x = min(x, var.hi)
    assert env.v[var.index] == x
    env = Env([False] * 3 + [False], (), 0)
    compile_effect(parse_effect("f = true", BOUNDED))(env)
    assert env.v[3] is True


TEXT_VARS = {"coins": 0, "lamp": 1, "x": 2}


@settings(max_examples=500)
@given(st.lists(st.sampled_from(["a", " ", "{", "}", "{coins}", "{ lamp }", "{x}", "{nope}", "{{", "}}", "é"]),
                max_size=12))
def test_text_slots_fast_path_agrees_with_the_parser(pieces):
    """compile_text finds plain `{name}` slots with str.find; it must give exactly the parser's
    Template, and leave every text it cannot read to the parser (which then reports it)."""
    from adventure.core.errors import ExprError as ExprErr
    from adventure.core.text import _parse_text, _simple_slots, compile_text

    src = "".join(pieces)
    try:
        want = _parse_text(src, TEXT_VARS)
    except ExprErr as e:
        want = ("error", e.message)
    braces = ("{" in src or "}" in src) and "{{" not in src and "}}" not in src
    fast = _simple_slots(src, TEXT_VARS) if braces else None
    if fast is not None:
        assert not isinstance(want, tuple) and fast == want.parts
    try:
        got = compile_text(src, TEXT_VARS)
    except ExprErr as e:
        got = ("error", e.message)
    assert got == want
