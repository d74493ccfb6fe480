"""Which data a copy run moves, as JSON *specs* its steps run from.

A spec holds what a step needs and nothing secret: the two cloud names
(clouds.yaml entries: each process connects with its own credentials),
the source and destination ids, and the record or volume body to create.
Specs are rebuilt at every start from the documents and the ID map, so a
resumed run sees the destination ids a killed run recorded (an image
whose partial copy was replaced has a new id).
"""


from osmigcfg import findings
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import idmap
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.importing import items as import_items
from osmigcfg.crosscloud.plan import planner as plan_mod
from osmigcfg.crosscloud.types import image

#: journal actions meaning "osmigcfg made this destination resource"
MADE = ('created', 'copied', 'adopted')


def source_cloud(documents):
    """The source cloud the documents were exported from (or None)."""
    for document in documents:
        cloud = (document.exported_from or {}).get('cloud')
        if cloud:
            return cloud
    return None


def temp_name(source_id):
    """The name of a volume's temporary images and clone."""
    return f'osmigcfg-xfer-{source_id}'


def _history(runs):
    """``(made, copied)``: sets of (type, source id) from the journals."""
    made, copied = set(), set()
    for run in runs:
        for record in idmap.records(run):
            key = (record['type'], record['source_id'])
            if record.get('action') in MADE or record.get('phase') == \
                    'created':
                made.add(key)
            if record.get('copied'):
                copied.add(key)
    return made, copied


def _base(p, clouds):
    return {'item': import_items.item_name(p.entry, f'copy-{p.type}'),
            'type': p.type, 'source_id': import_items.source_key(p.entry),
            'name': p.entry.name, 'src_id': p.entry.source.get('id'),
            'src_cloud': clouds[0], 'dst_cloud': clouds[1]}


def image_spec(p, made, clouds):
    """The spec of an image copy (``owned``: osmigcfg made the record)."""
    rtype = resources.get_type('image')
    spec = _base(p, clouds)
    spec.update(dst_id=p.dst_id, owned=('image', spec['source_id']) in made,
                create=image.image_body(rtype.effective_params(
                    p.entry)), expected={k: p.entry.info.get(k) for k in (
                        'size', 'checksum', 'os_hash_value')})
    return spec


def volume_spec(p, clouds):
    """The spec of a volume copy (type and zone knobs applied)."""
    rtype = resources.get_type('volume')
    spec = _base(p, clouds)
    params = rtype.effective_params(p.entry)
    spec.update(temp_name=temp_name(spec['src_id']),
                bootable=bool(params.get('bootable')),
                volume=rtype.create_body(params))
    return spec


def snapshot_spec(p, clouds, volume_item, volume_id):
    """The spec of a copied volume's snapshot."""
    rtype = resources.get_type('volume_snapshot')
    spec = _base(p, clouds)
    spec.update(snapshot=rtype.create_body(p.entry.params),
                volume_item=volume_item, volume_id=volume_id)
    return spec


def _not_imported(p):
    return findings.make_finding(
        codes.NOT_IMPORTED, 'its record is not in the destination yet',
        file=p.entry.file, line=p.entry.line, subject=p.entry.label)


def build_specs(plan, history, src_cloud, dst_cloud):
    """``(specs by item name, new-run selection, errors)``."""
    made, copied = _history(history)
    clouds = (src_cloud, dst_cloud)
    specs, selection, errors = {}, [], []
    for p in plan.items:
        rtype = resources.get_type(p.type)
        if not rtype.has_data or p.action == plan_mod.ERROR:
            continue
        name = import_items.item_name(p.entry, f'copy-{p.type}')
        key = (p.type, import_items.source_key(p.entry))
        if p.type == 'image' and rtype.knob(p.entry, 'copy_data'):
            if p.action == plan_mod.CREATE and key not in made:
                errors.append(_not_imported(p))
                continue
            # imported, but its record is gone (a copy killed between
            # deleting a partial image and making its new record): the
            # step makes a new record
            specs[name] = image_spec(p, made, clouds)
            selection.append(name)
        elif p.type == 'volume' and rtype.knob(p.entry, 'copy_data'):
            specs[name] = volume_spec(p, clouds)
            if key not in copied or p.action == plan_mod.CREATE:
                selection.append(name)
        elif p.type == 'volume_snapshot' and p.action == plan_mod.CREATE:
            _add_snapshot(p, plan, specs, selection, clouds)
    return specs, selection, errors


def _add_snapshot(p, plan, specs, selection, clouds):
    ref = p.entry.params.get('volume')
    found = plan.resolver.resolve(ref) if ref else None
    if found is None or found.entry is None:
        return
    volume_item = import_items.item_name(found.entry, 'copy-volume')
    if volume_item not in specs and not found.dst_id:
        return  # its volume is not copied: import makes the snapshot
    name = import_items.item_name(p.entry, 'copy-volume_snapshot')
    specs[name] = snapshot_spec(p, clouds, volume_item, found.dst_id)
    selection.append(name)


def plan_row(spec):
    """What the journal plan keeps of an item (names and ids only)."""
    return {'item': spec['item'], 'type': spec['type'], 'name': spec['name'],
            'source_id': spec['source_id'], 'dst_id': spec.get('dst_id')}
