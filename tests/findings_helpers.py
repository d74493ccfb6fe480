"""Helpers for tests that look at validation findings."""


def only(findings, code):
    """The one finding with ``code`` (fails when there are none or more)."""
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in findings]
    return found[0]
