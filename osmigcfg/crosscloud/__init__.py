"""Cross-cloud migration: export a project to editable YAML, plan it.

::

    from osmigcfg import crosscloud
    result = crosscloud.export_resources(src_conn, 'exported/')
    plan = crosscloud.plan_import('exported/', dst_conn)
    for item in plan.items: print(item.action, item.entry.label)

The resource types (``network`` ... ``quota``) are declared in
:mod:`.network`, :mod:`.storage` and :mod:`.identity` and registered in
:data:`REGISTRY`; Nova's types slot in the same way.  Import, data copy
and cutover build on the shared engine (``osmigcfg.engine``) from the
plan's items.
"""

from osmigcfg.crosscloud import codes  # noqa: F401  (registers XCL codes)
from osmigcfg.crosscloud import compute  # noqa: F401  (registers types)
from osmigcfg.crosscloud import compute_server  # noqa: F401
from osmigcfg.crosscloud import identity  # noqa: F401  (registers types)
from osmigcfg.crosscloud import network  # noqa: F401
from osmigcfg.crosscloud import storage  # noqa: F401
from osmigcfg.crosscloud.documents import read_directory
from osmigcfg.crosscloud.documents import write_documents
from osmigcfg.crosscloud.export import ExportResult
from osmigcfg.crosscloud.export import export_resources
from osmigcfg.crosscloud.filters import Filters
from osmigcfg.crosscloud.model import VERSION
from osmigcfg.crosscloud.model import Document
from osmigcfg.crosscloud.model import Entry
from osmigcfg.crosscloud.model import Ref
from osmigcfg.crosscloud.plan import Plan
from osmigcfg.crosscloud.plan import PlanItem
from osmigcfg.crosscloud.plan import plan_documents
from osmigcfg.crosscloud.plan import plan_import
from osmigcfg.crosscloud.resources import REGISTRY
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import ordered_types
from osmigcfg.crosscloud.resources import register

__all__ = [
    'REGISTRY', 'VERSION', 'Document', 'Entry', 'ExportResult', 'Filters',
    'Knob', 'Param', 'Plan', 'PlanItem', 'Ref', 'ResourceType',
    'export_resources', 'ordered_types', 'plan_documents', 'plan_import',
    'read_directory', 'register', 'write_documents',
]
