"""The demo desk's support model and SLA policies, as the YAML an admin would apply.

Applied by ``seed`` through ``routing.yaml_io.apply_document`` before any ticket exists, so every
demo ticket is routed (with a readable trace) and carries SLA clocks. Same format as
``helpmesh model apply`` (docs/adr/0010-support-model-yaml-format.md).

- The department layer chooses the team for every ticket: Billing, Shipping or Accounts by tags,
  then by triage's intent (its labels are team names when trained on resolved tickets), then by
  keywords in the subject; anything else goes to Technical Support. Tickets already escalated
  stay with Engineering.
- Only Technical Support works in tiers (the tiered layer's ``when: {team: technical-support}``;
  other teams' traces say the layer was skipped): tier 1 is Technical Support, tier 2 is
  Engineering. API bugs go straight up, other bugs after a day in tier 1 (the sweep leaves
  Engineering an internal note with the brief), and agents escalate by hand with a handoff note.
- Least-loaded assignment in every team; EMEA business hours (Berlin, Mon-Fri 08:00-18:00) with
  public holidays.
- SLA by priority: urgent 1 h first response around the clock; high 4 h, normal 8 h and
  low 24 h in EMEA business hours.
- The seeded history ran on these departments; then the desk switched to
  ``demo-self-service-first``: the answer bot first on the web and in chat, then the community
  for four hours (questions posted there), then the same departments and tiers.
"""

from __future__ import annotations

import copy
from typing import Any

from helpmesh.routing import yaml_io

NAME = "demo-departments"

DOCUMENT = """
version: 1
calendars:
  - slug: emea-business
    timezone: Europe/Berlin
    hours:
      mon: ["08:00-18:00"]
      tue: ["08:00-18:00"]
      wed: ["08:00-18:00"]
      thu: ["08:00-18:00"]
      fri: ["08:00-18:00"]
    holidays:
      - {date: "2025-12-25", name: Christmas Day}
      - {date: "2025-12-26", name: Boxing Day}
      - {date: "2026-01-01", name: New Year's Day}
      - {date: "2026-05-01", name: Labour Day}
      - {date: "2026-10-03", name: German Unity Day}
      - {date: "2026-12-25", name: Christmas Day}
      - {date: "2026-12-26", name: Boxing Day}
      - {date: "2027-01-01", name: New Year's Day}
      - {date: "2027-05-01", name: Labour Day}
  - slug: always-on
    timezone: UTC
    hours:
      mon: ["00:00-24:00"]
      tue: ["00:00-24:00"]
      wed: ["00:00-24:00"]
      thu: ["00:00-24:00"]
      fri: ["00:00-24:00"]
      sat: ["00:00-24:00"]
      sun: ["00:00-24:00"]
teams:
  - {team: billing, calendar: emea-business, region: EMEA, assignment: least_loaded}
  - {team: technical-support, calendar: emea-business, region: EMEA, assignment: least_loaded}
  - {team: shipping, calendar: emea-business, region: EMEA, assignment: least_loaded}
  - {team: accounts, calendar: emea-business, region: EMEA, assignment: least_loaded}
  - {team: engineering, calendar: emea-business, region: EMEA, assignment: least_loaded}
models:
  - name: demo-departments
    description: Four departments choose the team; Technical Support escalates to Engineering.
    active: true
    layers:
      - kind: department
        settings: {default_team: technical-support}
        rules:
          - name: escalated tickets stay with engineering
            when: {tier: 2}
            then: {team: engineering}
          - name: billing tags
            when: {tags_any: [refund, duplicate-charge, invoice, plan-change, payment]}
            then: {team: billing}
          - name: shipping tags
            when: {tags_any: [where-is-my-order, damaged, return, address-change]}
            then: {team: shipping}
          - name: accounts tags
            when: {tags_any: [data-request, closure, profile, permissions]}
            then: {team: accounts}
          - name: technical tags
            when: {tags_any: [login, 2fa, api, bug, reports, mobile]}
            then: {team: technical-support}
          - name: billing intent
            when: {intent: Billing, min_confidence: 0.7}
            then: {team: billing}
          - name: shipping intent
            when: {intent: Shipping, min_confidence: 0.7}
            then: {team: shipping}
          - name: accounts intent
            when: {intent: Accounts, min_confidence: 0.7}
            then: {team: accounts}
          - name: billing keywords
            when: {subject_contains: [invoice, refund, charged, payment, billing, subscription]}
            then: {team: billing}
          - name: shipping keywords
            when: {subject_contains: [order, delivery, package, parcel, shipping, return]}
            then: {team: shipping}
          - name: accounts keywords
            when: {subject_contains: [account, delete my, gdpr, my data, email address]}
            then: {team: accounts}
      - kind: tiered
        when: {team: technical-support}
        settings: {levels: [technical-support, engineering]}
        rules:
          - name: API bugs go straight to engineering
            when: {tags_all: [api, bug]}
            then: {tier: 2}
          - name: bugs open a day in tier 1
            when: {tags_any: [bug], time_in_tier_minutes: 1440}
            then: {tier: 2}
sla_policies:
  - name: Urgent
    when: {priority: urgent}
    first_response_minutes: 60
    next_response_minutes: 120
    resolution_minutes: 480
    warn_before_minutes: 15
    calendar: always-on
    on_breach: [notify]
  - name: High
    when: {priority: high}
    first_response_minutes: 240
    next_response_minutes: 480
    resolution_minutes: 1440
    warn_before_minutes: 30
    calendar: emea-business
  - name: Normal
    when: {priority: normal}
    first_response_minutes: 480
    next_response_minutes: 600
    resolution_minutes: 3000
    warn_before_minutes: 60
    calendar: emea-business
  - name: Low
    when: {priority: low}
    first_response_minutes: 1440
    next_response_minutes: 1440
    resolution_minutes: 6000
    warn_before_minutes: 60
    calendar: emea-business
"""


# The model the demo desk switched to after its seeded history: the answer bot first on the web
# and in chat, then the community's crowd for four hours, then the same departments and tiers.
SELF_SERVICE_FIRST = "demo-self-service-first"
FRONT_LAYERS: list[dict[str, Any]] = [
    {"kind": "self_service", "settings": {"channels": ["web", "chat"]}},
    {"kind": "community", "settings": {"time_box_minutes": 240, "offer_to": 3}},
]


def document() -> dict[str, Any]:
    """Both models as a document (a fresh copy: ``apply_document`` may keep references); the
    departments model is active, the self-service-first one waits to be switched to."""
    loaded: dict[str, Any] = yaml_io.load(DOCUMENT)
    departments = loaded["models"][0]
    loaded["models"].append(
        {
            "name": SELF_SERVICE_FIRST,
            "description": "The answer bot first, then the community, then the departments.",
            "active": False,
            "layers": copy.deepcopy(FRONT_LAYERS) + copy.deepcopy(departments["layers"]),
        }
    )
    return loaded


def apply() -> dict[str, int]:
    """Validate and apply the demo models; the teams they name must exist."""
    return yaml_io.apply_document(document())


def switch_to_self_service_first() -> None:
    """Make the self-service-first model the active one (the demo's present)."""
    from helpmesh.routing import services

    services.activate_model(SELF_SERVICE_FIRST)
