"""Policy awareness: which steps the credentials may not do, told first.

Before an import or a cutover starts, every Nova call it will make is
checked against each cloud's effective Nova policy
(:func:`osmigcfg.policy.load_effective_policy`, oslo.policy's real
Enforcer) for the roles and project of that cloud's token.  With the
cloud's own policy (``--src-policy-file``/``--dst-profile``...) a denial
is an error and nothing starts; with Nova's defaults (the cloud may run
another policy) it is a warning.  The clouds' own answers complete it:
the plan's admin-only knobs (``XCL304``), and for a cutover the source
server's state (``require_shutoff``) and that it can be read at all.
"""


from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.crosscloud import codes
from osmigcfg.crosscloud import resources
from osmigcfg.crosscloud.types import nova
from osmigcfg.migrate import preflight as migrate_preflight

_S = 'os_compute_api:servers:'


def cutover_steps(spec):
    """``(cloud, rule, what)`` of every Nova call a cutover makes."""
    steps = [('src', _S + 'show', 'read the source server'),
             ('src', _S + 'start', 'restart the source if the cutover '
              'fails')]
    if spec['source_state'] == 'stop':
        steps.append(('src', _S + 'stop', 'stop the source server'))
    if spec.get('boot') in ('snapshot', 'volume'):
        steps.append(('src', _S + 'create_image', 'snapshot the stopped '
                      'source'))
    steps += [('dst', _S + 'create', 'boot the destination server'),
              ('dst', _S + 'delete', 'delete it if the cutover fails')]
    if spec['volumes']:
        steps.append(('dst', _S + 'create:attach_volume',
                      'boot it with its volumes'))
    if spec['networks']:
        steps.append(('dst', _S + 'create:attach_network',
                      'boot it on its ports and networks'))
    if any('port' in n for n in spec['networks']):
        steps.append(('dst', 'os_compute_api:os-attach-interfaces:list',
                      'verify its ports'))
    return steps


def _policy(conn, given):
    if given is not None:
        return given, True
    max_version = nova.session(conn).max_version
    policy, _ = migrate_preflight.load_policy(max_version=max_version)
    return policy, False


def policy_findings(steps, conns, policies=None):
    """Findings for the steps the effective policies deny.

    :param steps: ``(cloud, rule, what)`` with cloud ``src`` or ``dst``.
    :param conns: ``{cloud: Connection}``.
    :param policies: ``{cloud: EffectivePolicy}`` the clouds run (absent:
        Nova's defaults, as advice).
    """
    found, loaded = [], {}
    for cloud, rule, what in steps:
        if cloud not in loaded:
            loaded[cloud] = (_policy(conns[cloud], (policies or {}).get(
                cloud)), migrate_preflight.caller_from_connection(
                    conns[cloud]))
        (policy, authoritative), caller = loaded[cloud]
        if caller.roles is None:
            found.append(findings.make_finding(
                codes.POLICY_UNKNOWN, f'{cloud}: cannot tell whether the '
                f'credential may {what} (its roles are unknown)',
                subject=rule))
            continue
        decision = policy.check(rule, roles=caller.roles,
                                project_id=caller.project_id)
        if not decision.allowed:
            found.append(findings.make_finding(
                codes.POLICY_DENIES, f'{cloud}: the credential (roles '
                f'{",".join(caller.roles) or "none"}) may not {what}: '
                f'{rule} is {decision.check_str!r}', subject=rule,
                severity='error' if authoritative else 'warning'))
    return found


def _source_findings(spec, src_conn):
    """``(findings, source server or None)``."""
    from osmigcfg.crosscloud.cutover import nova_ops
    try:
        server = nova_ops.server(src_conn, spec['src_id'])
    except exceptions.CloudError as e:
        return [findings.make_finding(
            codes.SOURCE_STATE, f'cannot read the source server: {e}',
            subject=f'server {spec["name"]}')], None
    if server is None:
        return [findings.make_finding(
            codes.SOURCE_STATE, 'the source server is gone',
            subject=f'server {spec["name"]}')], None
    if spec['source_state'] == 'require_shutoff' and \
            server['status'] != 'SHUTOFF':
        return [findings.make_finding(
            codes.SOURCE_STATE, f'the source server is {server["status"]}, '
            'and source_state is require_shutoff',
            subject=f'server {spec["name"]}')], server
    return [], server


def _source_disk_gib(server, src_conn):
    """GiB the source's snapshot will need: Nova sets its ``min_disk`` to
    the larger of the source flavor's disk and its image's ``min_disk``
    (both read where they still exist)."""
    from osmigcfg.crosscloud.copy import storage_ops
    from osmigcfg.crosscloud.cutover import nova_ops
    flavor = server.get('flavor') or {}
    if 'disk' not in flavor and flavor.get('id'):
        try:  # microversions before 2.47 show the flavor's id only
            flavor = nova_ops.flavor(src_conn, flavor['id'])
        except exceptions.CloudRequestError:
            flavor = {}
    image_id = (server.get('image') or {}).get('id')
    image = storage_ops.image_or_none(src_conn, image_id) if image_id \
        else None
    return max(int(flavor.get('disk') or 0),
               int((image or {}).get('min_disk') or 0))


def _fit_findings(spec, server, src_conn, dst_conn):
    """The destination flavor (or boot volume size) must hold the
    snapshot of an image-booted source (``boot: snapshot | volume``)."""
    from osmigcfg.crosscloud.cutover import nova_ops
    if server is None or not spec.get('flavor_id') or \
            spec.get('boot') not in ('snapshot', 'volume'):
        return []
    try:
        need = _source_disk_gib(server, src_conn)
        flavor = nova_ops.flavor(dst_conn, spec['flavor_id'])
    except exceptions.CloudError as e:
        return [findings.make_finding(
            codes.CHECK_SKIPPED, f'cannot read the flavors and image to '
            f'check that the destination disk is big enough: {e}',
            subject=f'server {spec["name"]}')]
    disk = int(flavor.get('disk') or 0)
    if spec['boot'] == 'volume':
        have = spec.get('boot_volume_size') or disk
        where, fix = (f'a {have} GiB boot volume', 'raise migration.'
                      'boot_volume_size, or leave it out (the volume then '
                      'gets the size the snapshot needs)')
    else:
        have = disk
        where, fix = (f'the destination flavor {flavor.get("name")!r} with '
                      f'a {disk} GiB disk', 'give params.flavor a flavor '
                      'with a bigger disk, or set migration.boot: volume')
    if not have or need <= have:
        return []
    return [findings.make_finding(
        codes.DISK_TOO_SMALL, f'{where} cannot hold the snapshot of the '
        f'source server, which needs {need} GiB (its flavor\'s disk or '
        f'its image\'s min_disk): {fix}', subject=f'server {spec["name"]}')]


#: Nova's absolute limits a new server counts against: (max, used, what)
_LIMITS = (('maxTotalInstances', 'totalInstancesUsed', 'instances', None),
           ('maxTotalCores', 'totalCoresUsed', 'cores', 'vcpus'),
           ('maxTotalRAMSize', 'totalRAMUsed', 'RAM (MiB)', 'ram'))


def _quota_findings(spec, dst_conn):
    """The destination's Nova quota must hold one more server."""
    from osmigcfg.crosscloud.cutover import nova_ops
    if not spec.get('flavor_id'):
        return []
    try:
        limits = nova.session(dst_conn).get('/limits', 'read limits')[
            'limits']['absolute']
        flavor = nova_ops.flavor(dst_conn, spec['flavor_id'])
    except (exceptions.CloudError, KeyError) as e:
        return [findings.make_finding(
            codes.CHECK_SKIPPED, f'cannot read the destination quota: {e}',
            subject=f'server {spec["name"]}')]
    found = []
    for most, used, what, field in _LIMITS:
        cap, now = limits.get(most), limits.get(used) or 0
        need = flavor.get(field) or 0 if field else 1
        if cap is not None and cap >= 0 and now + need > cap:
            found.append(findings.make_finding(
                codes.QUOTA_EXCEEDED, f'the destination project has no room '
                f'for the server: {what} {now} used of {cap}, the server '
                f'needs {need} more', subject=f'server {spec["name"]}'))
    return found


def cutover_findings(spec, src_conn, dst_conn, policies=None):
    """Every known obstacle to a server's cutover, before it starts."""
    found, server = _source_findings(spec, src_conn)
    return found + _fit_findings(spec, server, src_conn, dst_conn) + \
        _quota_findings(spec, dst_conn) + policy_findings(
            cutover_steps(spec), {'src': src_conn, 'dst': dst_conn},
            policies)


def import_findings(items, dst_conn, policies=None):
    """The Nova steps of an import the destination policy denies."""
    types = {i.type for i in items if i.action == 'create'
             and not i.deferred}
    steps = [('dst', rule, what) for t in sorted(types)
             for rule, what in resources.get_type(t).policy_rules]
    if not steps:
        return []
    return policy_findings(steps, {'dst': dst_conn}, policies)
