"""The case split by subtrees on a process pool: the same spline as one process, and what survives faults."""

from __future__ import annotations

import json
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

import symattn
from symattn import Budget
from symattn.compiler import parallel
from symattn.compiler.subtree import Prefix
from symattn.compiler.tasks import job_data, job_key, run_task, task_data
from symattn.errors import CheckpointError, InputError
from symattn.semialg.certificates import certify
from symattn.nn import Attention, FeedForward
from symattn.testing.faults import LosingExecutor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cases import CASES_BY_NAME  # noqa: E402

#: complete cases of the shared table: attention, masks, multi-head, cross attention, a deep FFN
SAME = ["attn_causal", "mha_wo", "cross_attn_biases", "ffn_relu"]


def fingerprint(spline):
    """What the two compiles share: pieces (pattern, conditions, witness) in order, the undecided systems,
    and the empty ones with the procedure that proved them (the rest of a reason may name the first of
    racing solvers, or the coordinates a proof fixed, which a loaded machine can change)."""
    return ([(p.pattern, p.conditions, tuple(p.witness.pairs)) for p in spline.pieces],
            [(u.conditions, u.reason) for u in spline.undecided],
            [(e.conditions, e.reason.split(":")[0]) for e in spline.emptiness], spline.complete)


def compile_case(name, **options):
    case = CASES_BY_NAME[name]
    return symattn.compile(case.build(), n=case.n, m=case.m, progress=False, **options)


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(2) as executor:
        yield executor


@pytest.fixture
def tiny_slices(monkeypatch):
    """Slices so short that every subtree is cut again and again (the replay is exercised everywhere)."""
    monkeypatch.setattr(parallel, "FIRST_SLICE", 0.002)
    monkeypatch.setattr(parallel, "SLICE", 0.01)


@pytest.mark.parametrize("name", SAME)
def test_the_pool_gives_the_serial_spline(name, pool):
    serial = compile_case(name)
    assert serial.complete
    spread = compile_case(name, executor=pool)
    assert fingerprint(spread) == fingerprint(serial)
    assert spread.stats["tasks"] >= 1 and spread.stats["coverage"]["outside"] == 0


def test_cut_into_many_small_subtrees_still_the_serial_spline(pool, tiny_slices):
    serial = compile_case("mha_wo")
    spread = compile_case("mha_wo", executor=pool)
    assert spread.stats["tasks"] > 20            # the slices really cut the tree
    assert fingerprint(spread) == fingerprint(serial)
    # the graph went to each worker once, not with every task
    assert spread.stats["job_sent"] < spread.stats["tasks"] / 4     # 0 when the workers kept it
    # coverage by sampling: random exact points lie in the listed piece the forward pass names
    rng = random.Random(5)
    for _ in range(40):
        point = {v: Fraction(rng.randint(-50, 50), rng.randint(1, 9)) for v in spread.variables}
        at = spread.piece_at(point)
        assert at.on_wall or at.piece is not None and at.piece.region.contains(point)


def test_workers_is_a_local_pool_and_reaches_restrict_and_prove_equal():
    model = Attention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]])
    serial = symattn.compile(model, n=2, progress=False)
    spline = symattn.compile(model, n=2, progress=False, workers=2)
    assert fingerprint(spline) == fingerprint(serial) and spline.stats["workers"] >= 1
    x00 = sympy.Symbol("x[0,0]", real=True)
    assert fingerprint(spline.restrict({x00: 1}, workers=2)) == fingerprint(serial.restrict({x00: 1}))
    assert symattn.prove_equal(model, serial, n=2, workers=2).proved


def test_tasks_and_results_are_plain_json():
    graph = Attention([[1, 2]], [[1, -1]], [[1]]).trace(n=3)
    job = job_data(graph, {}, samples=512, seed=0, passes=[dict(z3_timeouts=[0.5])])
    assert json.loads(json.dumps(job)) == job
    task = task_data(job_key(job), [Prefix((1,)), Prefix((-1,))], seconds=None, budget=Budget(regions=100))
    result = run_task(json.loads(json.dumps(task)), json.loads(json.dumps(job)))
    assert json.loads(json.dumps(result)) == result and result["pieces"]


def test_a_lost_worker_costs_only_its_task(tmp_path):
    serial = compile_case("mha_wo")
    with ProcessPoolExecutor(2) as own:        # a dead process breaks a standard pool: not the shared one
        spread = compile_case("mha_wo", executor=LosingExecutor(own, tmp_path / "died"))
    assert (tmp_path / "died").exists() and spread.stats["lost"] >= 1
    assert fingerprint(spread) == fingerprint(serial)


def test_an_exhausted_budget_returns_the_partial_spline_with_its_open_prefixes(pool, tiny_slices):
    serial = compile_case("ffn_relu")
    partial = compile_case("ffn_relu", executor=pool, budget=Budget(regions=20))
    assert not partial.complete and partial.stats["exhausted"] and partial.stats["frontier"]
    assert partial.undecided and all("budget exhausted" in u.reason for u in partial.undecided)
    found = {p.pattern: p for p in serial.pieces}
    assert 20 <= len(partial) < len(serial)
    for piece in partial.pieces:                   # a subset of the serial pieces, witnesses and all
        assert piece.region.witness == found[piece.pattern].region.witness


def test_ctrl_c_leaves_a_partial_spline_and_the_checkpoint_resumes_it(pool, tmp_path, monkeypatch, tiny_slices):
    serial = compile_case("mha_wo")
    calls = {"n": 0}
    real_wait = parallel.wait

    def interrupted_wait(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        return real_wait(*args, **kwargs)

    monkeypatch.setattr(parallel, "wait", interrupted_wait)
    path = tmp_path / "compile.json"
    partial = compile_case("mha_wo", executor=pool, checkpoint=path)
    assert partial.stats["interrupted"] and not partial.complete
    assert any(u.reason == "not explored: interrupted" or u.reason == "not decided: interrupted"
               for u in partial.undecided)
    saved = json.loads(path.read_text())
    assert saved["open"] and saved["done"]
    monkeypatch.setattr(parallel, "wait", real_wait)
    resumed = compile_case("mha_wo", executor=pool, checkpoint=path)
    assert fingerprint(resumed) == fingerprint(serial)
    assert json.loads(path.read_text())["open"] == []
    # in process as well: a finished checkpoint is re-proved; what rests on a solver is asked again
    again = compile_case("mha_wo", checkpoint=path)
    assert fingerprint(again) == fingerprint(serial)
    on_solver = sum(certify(e).procedure == "solver" for e in serial.emptiness)
    assert again.stats["resumed"] == dict(pieces=len(serial), emptiness=len(serial.emptiness) - on_solver,
                                          reopened=on_solver)


def test_a_checkpoint_is_a_claim_until_re_proved(tmp_path):
    path = tmp_path / "compile.json"
    compile_case("attn_causal", checkpoint=path)
    doc = json.loads(path.read_text())
    first, second = [p for entry in doc["done"] for p in entry["pieces"]][:2]
    first[1] = second[1]                           # another region's witness: not in this one
    path.write_text(json.dumps(doc))
    with pytest.raises(CheckpointError, match=r"done\[\d+\]\.pieces\[\d+\]"):
        compile_case("attn_causal", checkpoint=path)
    with pytest.raises(CheckpointError, match="job: written by a compile of another model"):
        compile_case("attn_relu", checkpoint=path)
    path.write_text("{not json")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        compile_case("attn_causal", checkpoint=path)


@pytest.mark.parametrize("options, where", [
    (dict(workers=0), "workers"), (dict(workers="2"), "workers"), (dict(workers=True), "workers"),
    (dict(executor=object()), "executor"), (dict(executor=ProcessPoolExecutor, workers=2), "workers"),
    (dict(workers=2, oracle=[]), "oracle"),
])
def test_bad_scale_out_arguments_name_the_argument(options, where):
    with pytest.raises(InputError) as info:
        symattn.compile(FeedForward([[1]], None, [[1]], None), n=1, progress=False, **options)
    assert info.value.where == where


def test_a_spline_file_is_re_proved_on_the_pool_and_written_with_its_task_stats(pool):
    spline = compile_case("attn_causal", executor=pool)
    text = spline.to_json()                          # the task statistics are plain data too
    proved = symattn.Spline.from_json(text, verify=True, executor=pool)
    assert proved.completeness == "proved" and proved.stats["reproved"]["tasks"] >= 1


class _Undeciding:
    """An oracle pass that decides nothing (and counts what it was asked)."""

    def __init__(self):
        self.stats, self.asked = {}, 0

    def decide(self, conditions, *, hint=None, deadline=None):
        from symattn.semialg.oracle import Undecided
        self.asked += 1
        return Undecided("decides nothing")


def test_a_question_goes_no_further_than_the_stage_its_task_was_given():
    # pass k + 1 of a question waits until every task has asked pass k, as in one process: a task
    # hands an escalated question back as a prefix of the next stage instead of asking it itself
    from symattn.compiler.frame import spline_frame
    from symattn.compiler.subtree import SubtreeSplitter
    from symattn.semialg.oracle import Oracle
    from symattn.semialg.pool import SamplePool
    graph = FeedForward([[1, -1]], [-1000, sympy.Rational(1000001, 1000)], [[1], [1]], None).trace(n=1)
    ring, inputs = spline_frame(graph, {})[2:]
    pool = SamplePool.random(ring, 256, seed=0)       # no point lies in the slab 1000 < x < 1000.001

    def explore(prefix, first, second):
        split = SubtreeSplitter(ring, [first, second], pool, prefix=prefix)
        split.run(graph, inputs)
        return split

    walk = SubtreeSplitter(ring, [Oracle(ring)], pool, walk_only=True)
    walk.run(graph, inputs)
    questions = [p for p, _ in walk.frontier]
    assert questions and all(p.stage == 0 for p in questions)
    first, second = _Undeciding(), _Undeciding()
    asked = [explore(p, first, second) for p in questions]
    assert first.asked == len(questions) and second.asked == 0
    handed_back = [p for split in asked for p, _ in split.frontier]
    assert [p.signs for p in handed_back] == [p.signs for p in questions] and all(p.stage == 1 for p in handed_back)
    # the next stage, asked by its own task, decides them: the slab's region is found
    found = [leaf.pattern for p in handed_back for leaf in explore(p, first, Oracle(ring)).result.pieces]
    assert (1, 1) in found


def test_a_task_keeps_the_compile_deadline_however_long_it_waited():
    graph = Attention([[1, 2]], [[1, -1]], [[1]]).trace(n=3)
    job = job_data(graph, {}, samples=512, seed=0, passes=[dict(z3_timeouts=[0.5])])
    task = task_data(job_key(job), [Prefix()], seconds=None, budget=Budget(seconds=100))
    task["budget"]["ends"] -= 200                  # it waited in a queue past the compile's end
    late = run_task(task, job)
    on_time = run_task(task_data(job_key(job), [Prefix()], seconds=None, budget=Budget(seconds=100)), job)
    assert late["exhausted"] and not on_time["exhausted"] and len(late["pieces"]) < len(on_time["pieces"])


@pytest.mark.parametrize("bad, where", [([[1, 2], None, None], "prefix.signs"), ([[True], None, None], "prefix.signs"),
                                        ([[1], None, -1], "prefix.stage"), ([[1], [0.5], None], "prefix.witness"),
                                        ([[1], None], "prefix")])
def test_a_malformed_prefix_is_refused_naming_its_part(bad, where):
    with pytest.raises(InputError) as info:
        Prefix.from_data(bad)
    assert info.value.where == where


def test_replays_from_the_cache_give_what_replays_from_the_root_give():
    from symattn.compiler.frame import spline_frame
    from symattn.compiler.seeded import oracle_passes
    from symattn.compiler.subtree import ReplayCache, SubtreeSplitter
    from symattn.semialg.pool import SamplePool
    graph = Attention([[1, 2], [0, 1]], [[1, 0], [-1, 1]], [[1, 0], [0, 1]]).trace(n=3)
    ring, inputs = spline_frame(graph, {})[2:]
    pool = SamplePool.random(ring, 256, seed=0)
    passes = oracle_passes(ring, 0, [dict(z3_timeouts=(), samples=0)])

    def explore(prefix, replays):
        split = SubtreeSplitter(ring, passes, pool, prefix=prefix, replays=replays)
        split.run(graph, inputs)
        return ([(leaf.pattern, leaf.region.conditions, tuple(leaf.region.witness.pairs)) for leaf in split.result.pieces],
                split.frontier)

    walk = SubtreeSplitter(ring, passes, pool, walk_only=True)   # its questions: prefixes, whatever the timing
    walk.run(graph, inputs)
    prefixes = [p for p, _ in walk.frontier if len(p.signs) > 1][:16]
    assert len(prefixes) == 16
    small = ReplayCache(limit=300)                # smaller than the pool: states are evicted
    for prefix in prefixes + prefixes:            # the second round starts from cached states
        assert explore(prefix, small) == explore(prefix, None)
    assert 0 < len(small) and small.points <= small.limit
