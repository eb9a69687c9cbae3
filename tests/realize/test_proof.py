"""Proof and Check: what 'proved' may mean, and what it may never mean."""

from __future__ import annotations

import pytest

from symattn.realize import Check, Proof


def test_proved_needs_every_check_passed_and_completeness():
    ok = (Check.passed("a", "exact"), Check.passed("b"))
    assert Proof("claim", ok).proved
    assert not Proof("claim", ok, complete=False).proved
    assert not Proof("claim", ()).proved                          # nothing checked proves nothing
    mixed = Proof("claim", ok + (Check.undecided("c", "z3", "timeout"),))
    assert not mixed.complete and not mixed.proved and not mixed.refuted
    assert mixed.verdict == "UNDECIDED" and mixed.undecided[0].name == "c"


def test_a_failed_check_refutes_and_carries_its_counterexample():
    bad = Check.failed("equal", "witness", "differs", {"x": 3})
    p = Proof("f = g", (Check.passed("compile"), bad))
    assert p.refuted and not p.proved and not bool(p) and p.verdict == "REFUTED"
    assert p.failures == (bad,) and dict(bad.counterexample) == {"x": 3}
    assert "counterexample x = 3" in p.summary()


def test_values_are_frozen_hashable_and_compare_without_stats():
    a = Proof("c", (Check.passed("x"),), stats={"seconds": 1.0})
    b = Proof("c", (Check.passed("x"),), stats={"seconds": 2.0})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.claim = "other"
    with pytest.raises(ValueError, match="passed, failed or undecided"):
        Check("x", "maybe")


def test_summary_lists_every_check():
    p = Proof("1 + 1 = 2", (Check.passed("arithmetic", "exact", "2 == 2"), Check.passed("again")))
    assert str(p).splitlines() == ["PROVED: 1 + 1 = 2", "  [passed] arithmetic (exact): 2 == 2",
                                   "  [passed] again"]
