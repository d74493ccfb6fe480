"""Rolling maintenance: empty a set of compute hosts a few at a time.

:mod:`.scope` finds the hosts, :mod:`.waves` cuts them into waves,
:mod:`.plan` predicts every wave (capacity, server groups, special
servers), :mod:`.steps` are the per-host actions (services, the
maintenance command, waiting for the service), :mod:`.drains` moves a
wave's servers and :mod:`.run` runs the plan, journaled and resumable.
"""
