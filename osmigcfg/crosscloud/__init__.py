"""Cross-cloud migration: export a project to editable YAML, plan it,
import it, copy its data, cut its servers over.

::

    from osmigcfg import crosscloud
    result = crosscloud.export_resources(src_conn, 'exported/')
    plan = crosscloud.plan_import('exported/', dst_conn)
    for item in plan.items: print(item.action, item.entry.label)
    crosscloud.import_documents('exported/', dst_conn, 'dst')
    crosscloud.copy_data('exported/', source=src_conn, destination=dst_conn,
                         source_name='src', destination_name='dst')
    crosscloud.cutover_server('exported/', 'web1', source=src_conn,
                              destination=dst_conn, source_name='src',
                              destination_name='dst')
    crosscloud.cutover_servers('exported/', every=True, parallel=4, ...)
    crosscloud.read_status('exported/').rows

The resource types (``network`` ... ``quota``) are declared in
:mod:`.types` (one module per type) and registered in :data:`REGISTRY`.
The phases are subpackages: :mod:`.export`, :mod:`.plan`,
:mod:`.importing`, :mod:`.copy` and :mod:`.cutover`.  Import, data copy
and cutover run on the shared engine (``osmigcfg.engine``), journaled in
``DIR/.osmigcfg/``; doc/source/user/crosscloud-reference.md tells what resumes how.
"""

from osmigcfg.crosscloud import codes  # noqa: F401  (registers XCL codes)
from osmigcfg.crosscloud import types  # noqa: F401  (registers every type)
from osmigcfg.crosscloud.copy.run import copy_data
from osmigcfg.crosscloud.cutover.run import cutover_server
from osmigcfg.crosscloud.cutover.run import cutover_servers
from osmigcfg.crosscloud.documents import read_directory
from osmigcfg.crosscloud.documents import write_documents
from osmigcfg.crosscloud.export.exporter import ExportResult
from osmigcfg.crosscloud.export.exporter import export_resources
from osmigcfg.crosscloud.filters import Filters
from osmigcfg.crosscloud.importing.run import import_documents
from osmigcfg.crosscloud.model import Document
from osmigcfg.crosscloud.model import Entry
from osmigcfg.crosscloud.model import Ref
from osmigcfg.crosscloud.model import VERSION
from osmigcfg.crosscloud.plan.planner import Plan
from osmigcfg.crosscloud.plan.planner import PlanItem
from osmigcfg.crosscloud.plan.planner import plan_documents
from osmigcfg.crosscloud.plan.planner import plan_import
from osmigcfg.crosscloud.resources import Knob
from osmigcfg.crosscloud.resources import Param
from osmigcfg.crosscloud.resources import REGISTRY
from osmigcfg.crosscloud.resources import ResourceType
from osmigcfg.crosscloud.resources import ordered_types
from osmigcfg.crosscloud.resources import register
from osmigcfg.crosscloud.status import read_status

__all__ = [
    'REGISTRY', 'VERSION', 'Document', 'Entry', 'ExportResult', 'Filters',
    'Knob', 'Param', 'Plan', 'PlanItem', 'Ref', 'ResourceType', 'copy_data',
    'cutover_server', 'cutover_servers', 'export_resources',
    'import_documents', 'ordered_types', 'plan_documents', 'plan_import', 'read_directory',
    'read_status', 'register', 'write_documents',
]
