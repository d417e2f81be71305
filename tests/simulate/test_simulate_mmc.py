"""The discrete-event core on the M/M/c validation workload: Erlang C and A, the CLI contract."""

from __future__ import annotations

import json

import pytest

from helpmesh.analytics import staffing
from helpmesh.cli import build_parser
from helpmesh.simulate.engine import Pool, SimulationError, Timeline, simulate_mmc


def test_pool_serves_first_come_first_served_on_the_soonest_free_server():
    pool = Pool(2)
    assert pool.serve(0.0, 10.0) == 0.0
    assert pool.serve(1.0, 10.0) == 1.0
    assert pool.serve(2.0, 5.0) == 10.0  # both busy: waits for the first to free up
    assert pool.serve(3.0, 1.0) == 11.0
    assert pool.busy_s == 26.0


def test_pool_offer_lets_the_impatient_leave_without_taking_a_server():
    pool = Pool(1)
    assert pool.serve(0.0, 10.0) == 0.0
    assert pool.offer(1.0, 5.0, patience=3.0) is None  # would wait 9 s
    assert pool.offer(2.0, 5.0, patience=9.0) == 10.0  # nobody ahead took the server


def test_timeline_plays_events_in_time_order_up_to_a_moment():
    seen: list[str] = []
    line = Timeline()
    line.at(5.0, lambda: seen.append("b"))
    line.at(1.0, lambda: seen.append("a"))
    line.at(9.0, lambda: seen.append("c"))
    line.play_until(5.0)
    assert seen == ["a", "b"]


@pytest.mark.parametrize(("agents", "utilization"), [(5, 0.5), (10, 0.8), (20, 0.9)])
def test_mmc_mean_wait_matches_erlang_c_on_a_small_run(agents, utilization):
    service_rate = 1 / 60
    arrival = utilization * agents * service_rate
    erlang = staffing.erlang_c(arrival * 3600, 60, agents, 0)
    runs = [simulate_mmc(arrival, service_rate, agents, 100_000, seed) for seed in (1, 2, 3)]
    mean_wait = sum(r.mean_wait_s for r in runs) / len(runs)
    waiting = sum(r.probability_wait for r in runs) / len(runs)
    # Loose (30 % / 0.05): a small run's noise never reaches this; a wrong queue does.
    assert mean_wait == pytest.approx(erlang.mean_wait_s, rel=0.3)
    assert waiting == pytest.approx(erlang.probability_wait, abs=0.05)


def test_mmc_with_patience_matches_erlang_a_on_a_small_run():
    erlang = staffing.erlang_a(0.9 * 3600, 10, 10, 0, patience_s=60)
    runs = [simulate_mmc(0.9, 0.1, 10, 100_000, s, patience_s=60) for s in (1, 2, 3)]
    assert sum(r.abandon_rate or 0 for r in runs) / 3 == pytest.approx(erlang.abandon_rate, rel=0.3)
    assert sum(r.mean_wait_s for r in runs) / 3 == pytest.approx(erlang.mean_wait_s, rel=0.3)


def test_same_seed_same_run_and_seeds_differ():
    a = simulate_mmc(0.8, 0.1, 10, 20_000, 7)
    assert simulate_mmc(0.8, 0.1, 10, 20_000, 7).mean_wait_s == a.mean_wait_s
    assert simulate_mmc(0.8, 0.1, 10, 20_000, 8).mean_wait_s != a.mean_wait_s


def test_unstable_queue_is_refused_naming_agents():
    with pytest.raises(SimulationError) as exc:
        simulate_mmc(1.0, 0.1, 10, 1000, 1)
    assert exc.value.field == "agents"


def _run(capsys, *argv):
    args = build_parser().parse_args(list(argv))
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_mmc_json_contract(capsys):
    code, out, _ = _run(
        capsys, "simulate", "mmc", "--arrival-rate", "0.8", "--service-rate", "0.1",
        "--agents", "10", "--customers", "50000", "--seed", "4", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"mean_wait_s", "probability_wait", "customers", "customers_per_second"}
    assert data["customers"] == 50000 and data["customers_per_second"] > 0
    assert data["mean_wait_s"] == simulate_mmc(0.8, 0.1, 10, 50000, 4).mean_wait_s


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--arrival-rate", "0"), ("--service-rate", "-1"), ("--agents", "0"), ("--customers", "0")],
)
def test_cli_mmc_names_the_bad_flag(capsys, flag, value):
    argv = {"--arrival-rate": "0.8", "--service-rate": "0.1", "--agents": "10"}
    argv["--customers"] = "100"
    argv[flag] = value
    flat = [item for pair in argv.items() for item in pair]
    code, out, err = _run(capsys, "simulate", "mmc", *flat, "--seed", "1", "--json")
    assert code == 2 and out == "" and flag in err
