"""Cutover: rebuild one server in the destination from its copied volumes.

:mod:`.run` plans, journals and runs; :mod:`.specs` builds the server's
spec from the plan; :mod:`.steps` are the TaskFlow steps over
:mod:`.nova_ops` (Nova calls)."""
