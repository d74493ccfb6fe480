"""Talking HTTP to an OpenStack cloud, in one place.

:mod:`.http` sends one request through an openstacksdk service proxy (a
keystoneauth adapter: catalog, auth and clouds.yaml stay theirs), maps the
answer or the failure to osmigcfg's exceptions and applies the one retry
policy.  :mod:`.compute` adds the compute microversion negotiated once and
the feature table behind ``require(feature)``.  The migrator, cross-cloud
and the policy rehearsal all send their requests through here.
"""
