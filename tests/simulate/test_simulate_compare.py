"""``helpmesh simulate compare`` on a small seeded history: JSON contract, report, what-ifs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
import yaml

from helpmesh.cli import build_parser
from helpmesh.core import clock
from helpmesh.demo import seed
from helpmesh.routing import yaml_io
from helpmesh.simulate import compare
from helpmesh.simulate.replay import Replay, arrivals


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """Two weeks of the demo desk (teams, agents, the self-service-first model, tickets)."""
    with django_db_blocker.unblock():
        seed.seed(tickets=60, customer_count=20, days=14)
        document = yaml_io.export_document()
    yield document
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def alternative(history, tmp_path):
    """The demo's departments model, active, as its own document."""
    model = next(m for m in history["models"] if not m["active"])
    path = tmp_path / "alt.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "models": [{**model, "active": True}]}))
    return path


def _compare(capsys, alt, tmp_path, *extra):
    args = build_parser().parse_args(
        ["simulate", "compare", "--model", str(alt), "--replications", "2",
         "--out", str(tmp_path / "report.html"), "--json", *extra]
    )  # fmt: skip
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.django_db
def test_compare_json_contract_and_report(capsys, alternative, tmp_path):
    code, out, _ = _compare(capsys, alternative, tmp_path)
    assert code == 0
    models = json.loads(out)["models"]
    assert [m["name"] for m in models] == ["demo-self-service-first", "demo-departments"]
    for m in models:
        assert {"name", "first_response_p50_s", "resolution_p50_s", "sla_attainment",
                "utilization", "shares", "ci95"} <= set(m)  # fmt: skip
        assert set(m["shares"]) == {"self_service", "crowd", "staff"}
        assert sum(m["shares"].values()) == pytest.approx(1.0)
        assert 0 <= m["sla_attainment"] <= 1 and 0 < m["utilization"] < 1
        low, high = m["ci95"]["first_response_p50_s"]
        assert low <= m["first_response_p50_s"] <= high
        assert m["decisions"] >= m["tickets_per_run"] * 2  # decide ran for every ticket
    current, departments = models
    # The bot holds tickets only under the model with a self-service layer.
    assert current["shares"]["self_service"] > 0
    assert departments["shares"]["self_service"] == 0
    html = (tmp_path / "report.html").read_text()
    assert 'id="first-response-chart"' in html and "uPlot" in html
    assert 'id="simulation-data"' in html and "demo-departments" in html


@pytest.mark.django_db
def test_what_ifs_change_the_alternative(history, alternative):
    text = alternative.read_text()
    work, (_, plain) = compare.prepare(text, None, None, [])
    _, (_, more) = compare.prepare(text, None, None, ["agents.billing=+3", "deflection=+40%"])
    billing = plain.teams["billing"]
    assert len(more.teams["billing"].agent_ids) == len(billing.agent_ids) + 3
    assert more.bot_resolved == pytest.approx(min(1.0, plain.bot_resolved + 0.4))
    # With the self-service model the extra deflection shows in the bot's share.
    current = replace(compare.current(work), bot_resolved=0.2)  # a tiny history: set it
    deflected = compare.with_what_ifs(current, compare.parse_what_ifs(["deflection=+40%"]))
    stream = arrivals(work, 3)
    before = Replay(work, current, stream).run().shares["self_service"]
    after = Replay(work, deflected, stream).run().shares["self_service"]
    assert after > before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (["--what-if", "agents=3"], "--what-if"),
        (["--what-if", "agents.nobody=+2"], "--what-if"),
        (["--from", "yesterday"], "--from"),
        (["--replications", "0"], "--replications"),
    ],
)
def test_compare_names_the_bad_option(capsys, alternative, tmp_path, extra, flag):
    code, out, err = _compare(capsys, alternative, tmp_path, *extra)
    assert code == 2 and out == ""
    assert flag in err


@pytest.mark.django_db
def test_compare_refuses_an_invalid_model(capsys, history, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  - name: x\n    layers:\n      - kind: nonsense\n")
    code, _, err = _compare(capsys, bad, tmp_path)
    assert code == 2 and "--model" in err and "nonsense" in err


@pytest.mark.django_db
def test_calibrated_arrivals_follow_the_history(history):
    work = compare.calibrate(clock.now() - timedelta(days=15), clock.now())
    assert work.tickets >= 55  # the seeded tickets (a few may fall outside the window)
    drawn = [len(arrivals(work, s)) for s in range(1, 21)]
    # Poisson per hour at the historical rate: on average the history's count.
    assert sum(drawn) / len(drawn) == pytest.approx(work.tickets, rel=0.15)
    assert all(a.at_s < work.seconds for a in arrivals(work, 1))
