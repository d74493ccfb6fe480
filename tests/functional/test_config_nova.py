"""osmigcfg's live-migration options against the installed Nova 34.

Nova is imported only in subprocesses, so its import-time side effects
(eventlet, global CONF, logging) stay out of the test process.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from osmigcfg import config
from osmigcfg.config import model
from osmigcfg.config import options
from tests.conftest import require_or_skip

pytestmark = pytest.mark.nova

NOVA_OPTS = r'''
import json, sys
from nova.conf import opts
wanted = set(sys.argv[1].split(','))
out = {}
for group, group_opts in opts.list_opts():
    name = getattr(group, 'name', group)
    for opt in group_opts:
        if opt.name in wanted:
            t = opt.type
            out[f'{name}.{opt.name}'] = {
                'class': type(opt).__name__, 'type': type(t).__name__,
                'default': opt.default, 'min': getattr(t, 'min', None),
                'max': getattr(t, 'max', None),
                'choices': list(getattr(t, 'choices', None) or []),
                'deprecated_for_removal': opt.deprecated_for_removal,
                'deprecated_since': opt.deprecated_since,
                'deprecated_opts': [[d.group, d.name]
                                    for d in opt.deprecated_opts],
                'mutable': opt.mutable, 'advanced': opt.advanced}
print(json.dumps(out))
'''

LOAD_INTO_NOVA = r'''
import json, sys
import nova.conf
CONF = nova.conf.CONF
CONF(['--config-file', sys.argv[1]], project='nova', default_config_files=[])
out = {}
for group, name in json.loads(sys.argv[2]):
    node = CONF if group == 'DEFAULT' else CONF[group]
    out[name] = getattr(node, name)
print(json.dumps(out))
'''


def _need_nova():
    if importlib.util.find_spec('nova') is None:
        require_or_skip("nova is not installed (pip install '.[rehearse]')")


def _python(script, *args):
    proc = subprocess.run(
        [sys.executable, '-c', script, *args], capture_output=True,
        text=True, timeout=120, env={**os.environ, 'PYTHONWARNINGS': 'ignore'})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _ours(opt):
    t = opt.type
    return {
        'class': type(opt).__name__, 'type': type(t).__name__,
        'default': opt.default, 'min': getattr(t, 'min', None),
        'max': getattr(t, 'max', None),
        'choices': list(getattr(t, 'choices', None) or []),
        'deprecated_for_removal': opt.deprecated_for_removal,
        'deprecated_since': opt.deprecated_since,
        'deprecated_opts': [[d.group, d.name] for d in opt.deprecated_opts],
        'mutable': opt.mutable, 'advanced': opt.advanced}


def test_option_definitions_match_nova_34():
    _need_nova()
    nova = _python(NOVA_OPTS, ','.join(options.OPTS_BY_NAME))
    ours = {f'{group}.{name}': _ours(opt)
            for name, (group, opt) in options.OPTS_BY_NAME.items()}
    assert sorted(nova) == sorted(ours)
    for key, expected in nova.items():
        assert ours[key] == expected, key


def test_secure_render_loads_into_novas_own_config(tmp_path):
    _need_nova()
    settings = config.load_profile('secure')
    path = tmp_path / 'nova.conf'
    path.write_text(config.render_config(settings, 'nova-conf'))
    fields = [(group, name) for group, name, _ in model.nova_fields()]
    loaded = _python(LOAD_INTO_NOVA, str(path), json.dumps(fields))
    for _, name in fields:
        assert loaded[name] == getattr(settings.live_migration, name), name
    # and Nova's own sample validator knows every option we wrote
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable),
                      'oslo-config-validator'), '--namespace', 'nova.conf',
         '--input-file', str(path)], capture_output=True, text=True,
        timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
