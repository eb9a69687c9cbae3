"""The case split on a real Dask cluster (two worker processes started here): the serial spline, and a lost worker survived."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from symattn.testing.faults import LosingExecutor

distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_parallel import compile_case, fingerprint  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_a_local_cluster_gives_the_serial_spline(client):
    serial = compile_case("mha_wo")
    spread = compile_case("mha_wo", executor=client.get_executor())
    assert fingerprint(spread) == fingerprint(serial)
    assert spread.stats["workers"] >= 1 and spread.stats["job_sent"] <= spread.stats["tasks"]


def test_a_worker_lost_on_the_cluster_costs_only_its_task(client, tmp_path):
    serial = compile_case("attn_causal")
    spread = compile_case("attn_causal", executor=LosingExecutor(client.get_executor(), tmp_path / "died"))
    assert (tmp_path / "died").exists()            # a worker did die mid-task
    assert fingerprint(spread) == fingerprint(serial)
