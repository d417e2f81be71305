"""Erlang C and Erlang A against textbook values and identities the formulas must satisfy."""

from __future__ import annotations

import json
import math

import pytest
from scipy.stats import poisson

from helpmesh.analytics import staffing
from helpmesh.analytics.staffing import StaffingError
from helpmesh.cli import build_parser

# The textbook worked example (100 calls per half hour, 180 s handle time, answer within 20 s):
# 10 Erlangs; agents -> (probability of waiting, service level within 20 s).
TEXTBOOK = {11: (0.6821, 0.3896), 12: (0.4494, 0.6402), 13: (0.2853, 0.7956), 14: (0.1741, 0.8884)}


@pytest.mark.parametrize("agents", sorted(TEXTBOOK))
def test_erlang_c_matches_the_textbook_table(agents):
    result = staffing.erlang_c(200, 180, agents, 20)
    waiting, level = TEXTBOOK[agents]
    assert result.probability_wait == pytest.approx(waiting, abs=5e-5)
    assert result.service_level == pytest.approx(level, abs=5e-5)
    assert result.occupancy == pytest.approx(10 / agents)


def test_erlang_c_mean_wait_is_the_textbook_answer_speed():
    # 14 agents: average speed of answer 7.8 s = P(wait) * handle time / (agents - load).
    assert staffing.erlang_c(200, 180, 14, 20).mean_wait_s == pytest.approx(7.836, abs=1e-3)


def test_fewest_agents_for_eighty_in_twenty_is_fourteen():
    result = staffing.erlang_c_agents(200, 180, 20, 0.80)
    assert result.agents == 14
    assert staffing.erlang_c(200, 180, 13, 20).service_level < 0.80


def test_erlang_c_stays_finite_for_thousands_of_agents():
    # a^N / N! would overflow a float long before this; the Erlang B recursion does not.
    result = staffing.erlang_c_agents(200_000, 300, 20, 0.8)
    assert 16_600 < result.agents < 16_800
    assert 0 < result.probability_wait < 1
    assert result.service_level >= 0.8


def test_erlang_c_refuses_agents_who_cannot_keep_up():
    with pytest.raises(StaffingError) as exc:
        staffing.erlang_c(200, 180, 10, 20)
    assert exc.value.field == "agents"


def test_erlang_a_with_endless_patience_is_erlang_c():
    c = staffing.erlang_c(200, 180, 12, 20)
    a = staffing.erlang_a(200, 180, 12, 20, patience_s=1e9)
    assert a.probability_wait == pytest.approx(c.probability_wait, rel=1e-4)
    assert a.mean_wait_s == pytest.approx(c.mean_wait_s, rel=1e-4)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-4)
    assert a.abandon_rate == pytest.approx(0, abs=1e-6)


def test_erlang_a_with_patience_equal_to_handle_time_is_a_poisson_count():
    # Death rate n·μ in every state when θ = μ: callers in the system ~ Poisson(load).
    load, agents = 10.0, 9
    a = staffing.erlang_a(200, 180, agents, 20, patience_s=180)
    assert a.probability_wait == pytest.approx(poisson.sf(agents - 1, load), rel=1e-9)
    queued = sum((n - agents) * poisson.pmf(n, load) for n in range(agents + 1, 200))
    assert a.abandon_rate == pytest.approx(queued / load, rel=1e-9)  # θ·E[queue] ÷ λ
    assert a.occupancy == pytest.approx((1 - a.abandon_rate) * load / agents)


def test_erlang_a_abandonment_is_patience_rate_times_mean_wait():
    # With exponential patience P(abandon) = θ · E[wait] for every staffing level.
    for agents in (5, 9, 12):
        a = staffing.erlang_a(200, 180, agents, 20, patience_s=90)
        assert a.abandon_rate == pytest.approx(a.mean_wait_s / 90, rel=1e-9)


def test_erlang_a_service_level_counts_only_callers_answered_in_time():
    # Zero threshold: answered within 0 s = answered at once = not waiting.
    a0 = staffing.erlang_a(200, 180, 10, 0, patience_s=60)
    assert a0.service_level == pytest.approx(1 - a0.probability_wait)
    a = staffing.erlang_a(200, 180, 10, 20, patience_s=60)
    assert 1 - a.probability_wait < a.service_level < 1 - a.abandon_rate


def test_erlang_a_target_search_is_the_smallest_that_meets_it():
    found = staffing.erlang_a_agents(200, 180, 20, 60, 0.8)
    assert found.service_level >= 0.8
    assert staffing.erlang_a(200, 180, found.agents - 1, 20, 60).service_level < 0.8
    # Impatient callers leave, so no more agents than Erlang C asks for.
    assert found.agents <= staffing.erlang_c_agents(200, 180, 20, 0.8).agents


def _run(capsys, *argv):
    args = build_parser().parse_args(list(argv))
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_erlang_c_json_contract(capsys):
    code, out, _ = _run(
        capsys, "staffing", "erlang-c", "--calls-per-hour", "200", "--handle-time", "180",
        "--agents", "14", "--answer-within", "20", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"probability_wait", "mean_wait_s", "service_level", "occupancy"}
    assert data["probability_wait"] == pytest.approx(0.1741, abs=5e-5)


def test_cli_erlang_c_target_adds_agents(capsys):
    code, out, _ = _run(
        capsys, "staffing", "erlang-c", "--calls-per-hour", "200", "--handle-time", "180",
        "--target-service-level", "0.8", "--answer-within", "20", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["agents"] == 14
    assert set(data) == {"probability_wait", "mean_wait_s", "service_level", "occupancy", "agents"}


def test_cli_erlang_a_json_contract(capsys):
    base = ["staffing", "erlang-a", "--calls-per-hour", "200", "--handle-time", "180"]
    code, out, _ = _run(capsys, *base, "--agents", "11", "--answer-within", "20",
                        "--patience", "60", "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert set(data) == {
        "probability_wait", "mean_wait_s", "service_level", "occupancy", "abandon_rate"
    }  # fmt: skip
    assert math.isclose(data["abandon_rate"], data["mean_wait_s"] / 60, rel_tol=1e-9)
    code, out, _ = _run(capsys, *base, "--target-service-level", "0.8", "--answer-within", "20",
                        "--patience", "60", "--json")  # fmt: skip
    assert json.loads(out)["agents"] == staffing.erlang_a_agents(200, 180, 20, 60, 0.8).agents


@pytest.mark.parametrize(
    ("flag", "value", "extra"),
    [
        ("--handle-time", "0", []),
        ("--calls-per-hour", "-5", []),
        ("--answer-within", "-1", []),
        ("--target-service-level", "1.5", []),
        ("--agents", "3", []),
    ],
)
def test_cli_names_the_bad_flag(capsys, flag, value, extra):
    argv = {"--calls-per-hour": "200", "--handle-time": "180", "--answer-within": "20"}
    argv[flag] = value
    if flag not in ("--agents", "--target-service-level"):
        argv["--agents"] = "14"
    flat = [item for pair in argv.items() for item in pair]
    code, out, err = _run(capsys, "staffing", "erlang-c", *flat, *extra, "--json")
    assert code == 2 and out == ""
    assert flag in err


def test_cli_names_bad_patience(capsys):
    code, _, err = _run(
        capsys, "staffing", "erlang-a", "--calls-per-hour", "200", "--handle-time", "180",
        "--agents", "11", "--answer-within", "20", "--patience", "0",
    )  # fmt: skip
    assert code == 2 and "--patience" in err
