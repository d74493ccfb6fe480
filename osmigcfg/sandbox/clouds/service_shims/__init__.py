"""Modules that run inside the local clouds' own virtualenv, not ours.

The local clouds (keystone, glance, neutron, cinder) live in a separate
virtualenv where osmigcfg is not installed, so the sandbox puts this
directory on their ``PYTHONPATH`` and they import these modules by their
bare names (``wsgi_shim``, ``cinder_file_driver``, ``neutron_schema``).
Nothing here may import osmigcfg.
"""
