"""Triage learned from the organization's own history: intent (or team) with a confidence.

See docs/triage.md. The base install uses a lexical model (TF-IDF + logistic regression); with the
``ml`` extra the same model also reads MiniLM sentence embeddings.
"""
