"""Validate a policy file plus policy.d directories for a Nova release.

Every problem becomes a finding (see ``codes``); nothing stops at the first.
Per-file checks (syntax, names, check strings, checks that would call out)
run on each file; checks of the merged result (undefined references,
cycles, chains too deep, inheritance, legacy defaults, and who passes the
migration actions: ``exposure``) run on the real Enforcer's rules from
``effective``.  ``audit`` carries the errors of ``validate_effective``.
"""

from collections.abc import Iterable

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg import inputs
from osmigcfg.findings import Report
from osmigcfg.findings import make_finding
from osmigcfg.policy import catalog as catalog_mod
from osmigcfg.policy import checkstr
from osmigcfg.policy import codes
from osmigcfg.policy import effective as effective_mod
from osmigcfg.policy import exposure
from osmigcfg.policy import graph
from osmigcfg.policy import source as source_mod


def _read_all(policy_file, policy_dirs, report):
    """Parse every source; return (sources, fatal)."""
    paths = [policy_file] if policy_file is not None else []
    for directory in policy_dirs:
        paths.extend(source_mod.policy_dir_files(directory))
    sources, fatal = [], False
    for path in paths:
        try:
            src = source_mod.parse_policy_text(files.read_text(path), path)
        except exceptions.PolicyFileError as e:
            report.add(make_finding(codes.YAML_ERROR, e.reason, file=str(path),
                                    line=e.line))
            fatal = True
            continue
        for name, line, why in src.bad_values:
            report.add(make_finding(codes.BAD_VALUE, f'{name}: {why}',
                                    file=src.path, line=line, subject=name))
            fatal = True
        for name, first, again in src.duplicates:
            report.add(make_finding(
                codes.DUPLICATE_KEY, f'{name} is defined at lines {first} '
                f'and {again}; line {again} wins', file=src.path, line=again,
                subject=name))
        sources.append(src)
    return sources, fatal


def _name_findings(entry, catalog, referenced, deprecated_names):
    name = entry.name
    where = {'file': entry.file, 'line': entry.line, 'subject': name}
    if name in catalog:
        info = catalog.get(name)
        if info.deprecated_for_removal:
            yield make_finding(codes.DEPRECATED_FOR_REMOVAL,
                               f'{name} is deprecated for removal since '
                               f'{info.deprecated_since}', **where)
        return
    if name in deprecated_names:
        yield make_finding(codes.DEPRECATED_NAME,
                           f'{name} is a deprecated name of '
                           f'{deprecated_names[name]}', **where)
    elif name in referenced:
        yield make_finding(codes.HELPER_RULE,
                           f'{name} is not a Nova {catalog.release} rule; '
                           f'it is used as a helper rule', **where)
    elif catalog.suggest(name):
        yield make_finding(codes.UNKNOWN_RULE_TYPO,
                           f'unknown rule {name}: did you mean '
                           f'{catalog.suggest(name)}?', **where)
    else:
        yield make_finding(codes.UNKNOWN_RULE,
                           f'unknown rule {name} for Nova {catalog.release}: '
                           f'it has no effect', **where)


def _check_findings(entry, catalog, merged):
    where = {'file': entry.file, 'line': entry.line, 'subject': entry.name}
    too_deep = checkstr.depth_problem(entry.check_str)
    if too_deep:
        yield make_finding(codes.CHECK_TOO_DEEP, f'{entry.name}: {too_deep}',
                           **where)
        return
    check, problems = checkstr.parse_check(entry.check_str)
    for problem in problems:
        yield make_finding(codes.CHECK_UNPARSABLE,
                           f'{entry.name}: {entry.check_str!r}: {problem}',
                           **where)
    for why in dict.fromkeys(u.describe()
                             for u in checkstr.unknown_checks(check)):
        yield make_finding(codes.CHECK_CALLS_OUT,
                           f'{entry.name}: this rule {why}', **where)
    for odd in checkstr.suspicious_keys(check):
        yield make_finding(codes.CHECK_SUSPICIOUS_KEY,
                           f'{entry.name}: {odd!r} tests an attribute no '
                           f'token carries; it never matches', **where)
    info = catalog.get(entry.name)
    if problems or info is None:
        return
    deprecated = info.deprecated_rule
    pinned = deprecated is not None and deprecated.name in merged and (
        deprecated.name != entry.name)  # written to stop inheritance
    # Choosing the host stays admin-only on purpose: pinning it guards the
    # file against a future default that would open it (not redundant).
    pinned = pinned or entry.name in catalog_mod.HOST_TARGETED_RULES
    if not pinned and str(check) == str(
            checkstr.parse_check(info.check_str)[0]):
        yield make_finding(codes.REDUNDANT, f'{entry.name} equals the Nova '
                           f'{catalog.release} default {info.check_str!r}',
                           **where)
    if (entry.name in catalog_mod.MIGRATION_RULES
            and checkstr.allows_everyone(entry.check_str)):
        yield make_finding(codes.ALLOW_EVERYONE,
                           f'{entry.name} = {entry.check_str!r} lets any '
                           f'authenticated user do this', **where)


def _per_file(sources, catalog, report):
    referenced = graph.referenced_names(sources, catalog)
    deprecated_names = {r.deprecated_rule.name: r.name
                        for r in catalog.rules.values()
                        if r.deprecated_rule
                        and r.deprecated_rule.name not in catalog}
    seen = {}
    merged = source_mod.merged_entries(sources)
    for src in sources:
        for entry in src.entries.values():
            report.extend(_name_findings(entry, catalog, referenced,
                                         deprecated_names))
            report.extend(_check_findings(entry, catalog, merged))
            earlier = seen.get(entry.name)
            if earlier is not None and earlier.file != entry.file:
                report.add(make_finding(
                    codes.OVERRIDDEN_LATER,
                    f'{entry.name} from {earlier.file}:{earlier.line} is '
                    f'overridden here', file=entry.file, line=entry.line,
                    subject=entry.name))
            seen[entry.name] = entry


def file_findings(sources, catalog):
    """The per-file findings (names, check strings) of parsed sources."""
    report = Report()
    _per_file(sources, catalog, report)
    return report


def _merged_findings(ep, report):
    report.extend(graph.reference_findings(ep))
    report.extend(graph.depth_findings(ep))
    report.extend(graph.inheritance_findings(ep))
    report.extend(graph.legacy_findings(ep))
    report.extend(exposure.untrusted_findings(ep))


def validate_effective(ep):
    """Validate the files an EffectivePolicy was built from.

    The same findings as :func:`validate_policy` for files that load (the
    ones that do not load never become an EffectivePolicy).

    :returns: Report
    """
    report = file_findings(ep.sources, ep.catalog)
    _merged_findings(ep, report)
    return report


def validate_policy(policy_file: inputs.PathArg | None = None, *,
                    policy_dirs: Iterable[inputs.PathArg] = (),
                    release: int | str | None = None,
                    enforce_new_defaults: bool = True) -> Report:
    """Validate policy files for a Nova release.

    :returns: Report of findings (empty when clean)
    :raises: FileReadError for a path that cannot be read,
        UnknownReleaseError for a release without a catalog
    """
    catalog = catalog_mod.load_catalog(catalog_mod.check_release(release))
    report = Report()
    sources, fatal = _read_all(policy_file, policy_dirs, report)
    _per_file(sources, catalog, report)
    # oslo.policy cannot load what is too deep to parse
    if fatal or codes.CHECK_TOO_DEEP in report.codes():
        return report
    ep = effective_mod.load_effective_policy(
        policy_file, policy_dirs=policy_dirs, release=catalog.release,
        enforce_new_defaults=enforce_new_defaults)
    _merged_findings(ep, report)
    return report
