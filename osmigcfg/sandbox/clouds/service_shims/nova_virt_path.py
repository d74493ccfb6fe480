"""Make the drivers in ``nova_virt/`` importable as ``nova.virt.<name>``.

Nova 34 prefixes ``[DEFAULT] compute_driver`` with ``nova.virt.``, so a
driver of our own must live in that package.  Preloaded into nova-compute
(``OSMIGCFG_PRELOAD``), this appends our directory to ``nova.virt``'s
search path; nothing is written into Nova's installation.
"""

import os

import nova.virt

_HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'nova_virt')
if _HERE not in nova.virt.__path__:
    nova.virt.__path__.append(_HERE)
