"""Fuzz the policy commands with spoiled policy files and policy.d dirs."""

from hypothesis import given
from hypothesis import strategies as st
import yaml

from tests.fuzz import harness
from tests.fuzz import mutations

LIVE = 'os_compute_api:os-migrate-server:migrate_live'
COLD = 'os_compute_api:os-migrate-server:migrate'
SEEDS = [
    f'context_is_admin: "role:admin"\n"{LIVE}": "rule:context_is_admin or '
    f'role:migrator"\n"{COLD}": "role:admin and project_id:%(project_id)s"\n',
    f'{{"{LIVE}": "not role:reader", "admin_api": "is_admin:True"}}\n',
    f'# comment\n"{LIVE}": "(role:a or role:b) and not role:c"\n'
    f'"os_compute_api:os-migrations:index": "rule:admin_api"\n',
    f'"{COLD}": "@"\n"{LIVE}": "!"\n',
]
# Check strings from the grammar's tokens, spoiled: parse errors, unknown
# kinds, empty operands.  References go only to rules the file does not
# define, so no reference cycle arises (a cycle is the policy engine's
# concern, see test_hostile_inputs).
TOKENS = ['role:admin', 'role:member', 'rule:admin_api', 'rule:nope', 'and',
          'or', 'not', '(', ')', '@', '!', 'project_id:%(project_id)s',
          'user_id:%(user_id)s', 'rol:x', 'is_admin:True', '"quoted"', ':',
          'http://127.0.0.1:9/', 'role:', '%(missing)s:x', 'True:%(x)s']
check_strings = st.lists(st.sampled_from(TOKENS), max_size=8).map(' '.join)
policy_documents = st.dictionaries(
    st.sampled_from([LIVE, COLD, 'os_compute_api:os-migrations:index',
                     'os_compute_api:os-migrate-server:migrate:host',
                     'context_is_admin', 'x']),
    st.one_of(check_strings, st.none(), st.integers(), st.lists(
        check_strings, max_size=2)), max_size=5).map(
    lambda d: yaml.safe_dump(d, allow_unicode=True))
COMMANDS = [
    ['policy', 'validate', '{f}'],
    ['policy', 'validate', '--policy-dir', '{d}'],
    ['policy', 'effective', '{f}'],
    ['policy', 'check', '--policy-file', '{f}', '--roles', 'member',
     '--rule', LIVE],
    ['policy', 'check', '--policy-file', '{f}', '--policy-dir', '{d}',
     '--roles', 'admin,reader', '--all-migration'],
    ['policy', 'audit', '--policy-file', '{f}'],
    ['policy', 'upgrade-check', '{f}', '--from', '29'],
    ['policy', 'upgrade-check', '--from', '31', '--policy-dir', '{d}'],
]


def _argv(command, policy, directory):
    return [a.format(f=policy, d=directory) for a in command]


@harness.fuzz_settings(share=2.0)
@given(data=st.one_of(mutations.inputs(SEEDS), policy_documents.map(
    str.encode)), command=st.sampled_from(COMMANDS))
def test_policy_commands_survive_spoiled_policy_files(tmp_path, data,
                                                      command):
    policy = tmp_path / 'policy.yaml'
    policy.write_bytes(data)
    directory = tmp_path / 'policy.d'
    directory.mkdir(exist_ok=True)
    (directory / '10-fuzz.yaml').write_bytes(data)
    harness.run(*_argv(command, policy, directory)).check()


@harness.fuzz_settings(share=0.5)
@given(release=st.one_of(st.integers(-10**6, 10**20), st.text(max_size=8)),
       roles=st.text(max_size=30), rule=st.text(max_size=30))
def test_policy_arguments_are_usage_errors_or_findings(tmp_path, release,
                                                       roles, rule):
    policy = tmp_path / 'policy.yaml'
    policy.write_text(SEEDS[0])
    harness.run('policy', 'check', '--policy-file', policy, '--release',
                release, '--roles', roles, '--rule', rule).check()
