"""The support model as YAML: round trip, CLI, and errors that name the bad key."""

from __future__ import annotations

import pytest

from helpmesh import cli
from helpmesh.routing import yaml_io
from helpmesh.routing.validation import SpecError

DOC = """
version: 1
calendars:
  - slug: emea
    timezone: Europe/Paris
    hours: {mon: ["09:00-12:00", "13:00-17:00"], fri: ["09:00-15:00"]}
    holidays: [{date: "2026-12-25", name: Christmas}]
teams:
  - {team: billing, calendar: emea, region: EMEA, assignment: least_loaded, channels: [email]}
models:
  - name: main
    description: Departments, then tiers
    active: true
    layers:
      - kind: department
        settings: {default_team: billing}
        rules:
          - name: invoices
            when: {intent: billing, min_confidence: 0.8, tags_any: [invoice]}
            then: {team: billing}
      - kind: skills
        when: {channel: [email, chat]}
        settings: {relax_after_minutes: [30, 60]}
        rules:
          - {name: german, when: {language: de}, then: {language: de}}
sla_policies:
  - name: vip
    when: {customer_tier: [gold]}
    first_response_minutes: 30
    next_response_minutes: 60
    resolution_minutes: 480
    warn_before_minutes: 10
    calendar: emea
    on_breach: [notify, escalate_tier]
"""


@pytest.fixture
def billing(desk):
    return desk.team("billing")


def test_export_of_an_applied_document_applies_back_unchanged(billing):
    yaml_io.apply_document(yaml_io.load(DOC))
    first = yaml_io.export_document()
    yaml_io.apply_document(yaml_io.load(yaml_io.dump(first)))
    assert yaml_io.export_document() == first
    assert first["models"][0]["layers"][0]["rules"][0]["when"]["min_confidence"] == 0.8
    assert first["models"][0]["layers"][1]["when"] == {"channel": ["email", "chat"]}
    assert "when" not in first["models"][0]["layers"][0]  # no conditions: none exported
    assert first["calendars"][0]["holidays"] == [{"date": "2026-12-25", "name": "Christmas"}]


def test_cli_exports_and_applies_files(billing, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_setup", lambda: None)
    source = tmp_path / "model.yaml"
    source.write_text(DOC)
    assert cli.main(["model", "apply", str(source)]) == 0
    out = tmp_path / "out.yaml"
    assert cli.main(["model", "export", str(out)]) == 0
    assert yaml_io.load(out.read_text())["models"][0]["name"] == "main"
    bad = tmp_path / "bad.yaml"
    bad.write_text(DOC.replace("min_confidence", "min_confidance"))
    assert cli.main(["model", "apply", "--check", str(bad)]) == 1


@pytest.mark.parametrize(
    ("broken", "path"),
    [
        (("min_confidence", "min_confidance"), "models[0].layers[0].rules[0].when.min_confidance"),
        (("kind: skills", "kind: skillz"), "models[0].layers[1].kind"),
        (("channel: [email, chat]", "chanel: [email, chat]"), "models[0].layers[1].when.chanel"),
        (("when: {channel: [email, chat]}", "when: chat"), "models[0].layers[1].when"),
        (
            ("then: {team: billing}", "then: {team: nobody}"),
            "models[0].layers[0].rules[0].then.team",
        ),
        (("Europe/Paris", "Europe/Atlantis"), "calendars[0].timezone"),
        (('"13:00-17:00"', '"17:00-13:00"'), "calendars[0].hours.mon[1]"),
        (("escalate_tier]", "escalate]"), "sla_policies[0].on_breach[1]"),
        (
            ("warn_before_minutes: 10", "warn_before_minutes: soon"),
            "sla_policies[0].warn_before_minutes",
        ),
        (("assignment: least_loaded", "assignment: lottery"), "teams[0].assignment"),
        (("description:", "descripton:"), "models[0].descripton"),
    ],
)
def test_errors_name_the_bad_key_and_change_nothing(billing, broken, path):
    with pytest.raises(SpecError) as caught:
        yaml_io.apply_document(yaml_io.load(DOC.replace(*broken)))
    assert caught.value.path == path
    assert str(caught.value).startswith(path + ": ")
    assert yaml_io.export_document()["models"] == []


def test_yaml_syntax_errors_say_where(billing):
    with pytest.raises(SpecError, match="line"):
        yaml_io.load("models: [\n  - {name: x")
