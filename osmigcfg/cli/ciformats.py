"""``-f sarif`` and ``-f junit``: findings in the formats CI systems read.

Both are cliff list formatters, registered under their own entry-point
namespace (``osmigcfg.formatter.findings``) and added to the usual table,
json, csv... only by the commands that list findings
(:class:`CiFormatsMixin`).  Registering them under ``cliff.formatter.list``
would offer them to every cliff lister installed beside osmigcfg
(``openstack server list -f sarif``), where there is nothing to put in them.

A formatter sees only columns and rows, so a findings row's Code cell is a
:class:`FindingCode`: it prints as the code and carries the whole
:class:`~osmigcfg.findings.Finding` (file, line, subject, details) for these
two formatters.  The rule help comes from the registered codes
(``osmigcfg.findings.CODES``: each code's meaning and fix).
"""

import datetime
import json
import pathlib
from urllib import parse
from xml.etree import ElementTree

from cliff import columns
from cliff.formatters import base as formatters_base
import stevedore

import osmigcfg
from osmigcfg import exceptions
from osmigcfg import findings

NAMESPACE = 'osmigcfg.formatter.findings'
FORMATS = ('sarif', 'junit')
SARIF_SCHEMA = ('https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/'
                'schemas/sarif-schema-2.1.0.json')
SARIF_LEVELS = {0: 'note', 1: 'warning', 2: 'error'}


class FindingCode(columns.FormattableColumn):
    """A findings row's Code cell: shows the code, keeps the Finding."""

    @property
    def finding(self):
        return self._value

    def human_readable(self):
        return self._value.code

    def machine_readable(self):
        return self._value.code

    def __eq__(self, other):
        if isinstance(other, str):
            return self._value.code == other
        return super().__eq__(other)

    def __lt__(self, other):  # --sort-column Code
        return self._value.code < str(other)

    def __hash__(self):
        return hash(self._value.code)


def finding_row(finding):
    """(Severity, Code, Location, Message, Hint) of one finding."""
    return (finding.severity, FindingCode(finding), str(finding.location),
            finding.message, finding.hint or '')


def wants_findings(parsed_args):
    """True when the output is one of the CI formats (findings only)."""
    return getattr(parsed_args, 'formatter', None) in FORMATS


class CiFormatsMixin:
    """A lister that offers ``-f sarif`` and ``-f junit`` too."""

    #: the severity at which a finding fails (JUnit failures); the command
    #: sets it when it decides its exit status
    ci_fail_level = 'error'

    def _load_formatter_plugins(self):
        usual = super()._load_formatter_plugins()
        ours = stevedore.ExtensionManager(NAMESPACE, invoke_on_load=True)
        # one manager over both namespaces' loaded extensions (stevedore's
        # constructor for a manager built from Extension objects)
        return stevedore.ExtensionManager.make_test_instance(
            list(usual) + list(ours), namespace=NAMESPACE)

    def produce_output(self, parsed_args, column_names, data):
        parsed_args.ci_fail_level = self.ci_fail_level
        parsed_args.ci_command = self.cmd_name or 'osmigcfg'
        return super().produce_output(parsed_args, column_names, data)


def _findings_of(column_names, data, fmt):
    if 'Code' not in column_names:
        raise exceptions.InputError(
            f'-f {fmt} lists findings and needs the Code column',
            hint='leave out -c, or add -c Code')
    index = list(column_names).index('Code')
    return [row[index].finding for row in data
            if isinstance(row[index], FindingCode)]


def _code_help(code):
    info = findings.CODES.get(code)
    if info is None:
        return None, None
    return info.meaning, info.hint


def artifact_uri(path):
    """A SARIF artifact URI: relative paths stay relative to the source
    root (what code-scanning services resolve), others are file: URIs."""
    p = pathlib.Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(pathlib.Path.cwd())
        except ValueError:
            return p.as_uri(), None
    return parse.quote(p.as_posix()), '%SRCROOT%'


def _sarif_location(finding):
    loc = finding.location
    location = {}
    if loc.file:
        uri, base = artifact_uri(loc.file)
        artifact = {'uri': uri}
        if base:
            artifact['uriBaseId'] = base
        physical = {'artifactLocation': artifact}
        if loc.line:
            physical['region'] = {'startLine': int(loc.line)}
        location['physicalLocation'] = physical
    if loc.subject:
        location['logicalLocations'] = [{'name': str(loc.subject)}]
    return location


def sarif_log(found, command='osmigcfg'):
    """A SARIF 2.1.0 log (a dict) with one run of ``command``'s findings."""
    rules, index = [], {}
    for f in found:
        if f.code in index:
            continue
        index[f.code] = len(rules)
        meaning, fix = _code_help(f.code)
        rule = {'id': f.code,
                'shortDescription': {'text': meaning or f.message}}
        info = findings.CODES.get(f.code)
        if info:
            rule['defaultConfiguration'] = {
                'level': SARIF_LEVELS[findings.SEVERITY_RANK[info.severity]]}
        if meaning:
            help_text = meaning + (f'\nFix: {fix}' if fix else '')
            rule['fullDescription'] = {'text': meaning}
            rule['help'] = {'text': help_text,
                            'markdown': f'**{f.code}**: {meaning}' +
                            (f'\n\n**Fix:** {fix}' if fix else '')}
        rules.append(rule)
    results = []
    for f in found:
        result = {'ruleId': f.code, 'ruleIndex': index[f.code],
                  'level': SARIF_LEVELS[f.rank],
                  'message': {'text': f.message}}
        location = _sarif_location(f)
        if location:
            result['locations'] = [location]
        props = {'severity': f.severity}
        if f.hint:
            props['hint'] = f.hint
        if f.details:
            props['details'] = list(f.details)
        result['properties'] = props
        results.append(result)
    return {
        '$schema': SARIF_SCHEMA,
        'version': '2.1.0',
        'runs': [{
            'tool': {'driver': {
                'name': 'osmigcfg', 'version': osmigcfg.__version__,
                'semanticVersion': osmigcfg.__version__, 'rules': rules}},
            'automationDetails': {'id': f'osmigcfg/{command}/'},
            'invocations': [{'executionSuccessful': True,
                             'commandLine': f'osmigcfg {command}'}],
            'results': results,
        }],
    }


def junit_xml(found, command='osmigcfg', fail_level='error'):
    """A JUnit XML document (text): one test case per finding, failed when
    the finding reaches ``fail_level`` (one passing case when clean)."""
    floor = findings.SEVERITY_RANK[fail_level]
    failed = sum(1 for f in found if f.rank >= floor)
    cases = max(len(found), 1)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%S')
    suites = ElementTree.Element(
        'testsuites', name='osmigcfg', tests=str(cases),
        failures=str(failed), errors='0', time='0')
    suite = ElementTree.SubElement(
        suites, 'testsuite', name=f'osmigcfg {command}', tests=str(cases),
        failures=str(failed), errors='0', skipped='0', time='0',
        timestamp=stamp)
    classname = 'osmigcfg.' + command.replace(' ', '-')
    if not found:
        ElementTree.SubElement(suite, 'testcase', classname=classname,
                               name='no findings', time='0')
    for f in found:
        attrs = {'classname': classname,
                 'name': f'{f.code} {f.location}', 'time': '0'}
        if f.location.file:
            attrs['file'] = str(f.location.file)
        if f.location.line:
            attrs['line'] = str(f.location.line)
        case = ElementTree.SubElement(suite, 'testcase', attrs)
        meaning, fix = _code_help(f.code)
        lines = [f'{f.severity} {f.code} {f.location}: {f.message}']
        if meaning:
            lines.append(f'{f.code}: {meaning}')
        if f.hint or fix:
            lines.append(f'Fix: {f.hint or fix}')
        lines.extend(f.details)
        text = '\n'.join(lines)
        if f.rank >= floor:
            failure = ElementTree.SubElement(
                case, 'failure', type=f.code, message=f.message)
            failure.text = text
        else:
            ElementTree.SubElement(case, 'system-out').text = text
    ElementTree.indent(suites)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' +
            ElementTree.tostring(suites, encoding='unicode') + '\n')


class SarifFormatter(formatters_base.ListFormatter):
    """SARIF 2.1.0 (GitHub/GitLab code scanning)."""

    def add_argument_group(self, parser):
        pass

    def emit_list(self, column_names, data, stdout, parsed_args):
        found = _findings_of(column_names, data, 'sarif')
        log = sarif_log(found, getattr(parsed_args, 'ci_command',
                                       'osmigcfg'))
        json.dump(log, stdout, indent=2)
        stdout.write('\n')


class JunitFormatter(formatters_base.ListFormatter):
    """JUnit XML (test reports of Jenkins, GitLab, Zuul...)."""

    def add_argument_group(self, parser):
        pass

    def emit_list(self, column_names, data, stdout, parsed_args):
        found = _findings_of(column_names, data, 'junit')
        stdout.write(junit_xml(
            found, getattr(parsed_args, 'ci_command', 'osmigcfg'),
            getattr(parsed_args, 'ci_fail_level', 'error')))
