"""The audit log: who did what, when and from which address (issue 13, point 10).

`audit.record(request, action, organisation=..., target=...)` is the one way to write an event.
"""


def record(request, action, *, organisation=None, target="", actor=None):
    """Append an AuditEvent; see audit.services.record."""
    from audit.services import record as _record

    return _record(request, action, organisation=organisation, target=target, actor=actor)
