"""Thin HTML views of the agent inbox: parse a form, check access, call a service, render."""
