"""The option definitions, the typed model built on them, the profiles."""

import dataclasses

import pytest

from osmigcfg import config
from osmigcfg import exceptions
from osmigcfg import findings
from osmigcfg.config import model
from osmigcfg.config import options
import osmigcfg.config.codes  # noqa: F401


def test_every_model_field_takes_its_default_from_its_option():
    fields = dataclasses.fields(model.LiveMigrationSettings)
    assert {f.name for f in fields} == set(options.OPTS_BY_NAME)
    for field in fields:
        group, opt = options.OPTS_BY_NAME[field.name]
        assert field.default == opt.default
        assert field.metadata == {'group': group, 'opt': opt}


def test_list_opts_returns_copies_grouped_for_the_generator():
    listed = dict(options.list_opts())
    assert list(listed) == ['DEFAULT', 'compute', 'libvirt']
    assert listed['libvirt'][0] is not options.LIBVIRT_OPTS[0]
    assert [o.name for o in listed['libvirt']] == [
        o.name for o in options.LIBVIRT_OPTS]


def test_settings_replace_records_what_was_set_on_purpose():
    s = model.Settings().replace(nova={'live_migration_downtime': 600},
                                 tls={'migrate_tls_force': True})
    assert s.explicit == {'live_migration_downtime', 'migrate_tls_force'}
    assert s.live_migration.live_migration_downtime == 600


@pytest.mark.parametrize('uri, scheme', [
    (None, 'tcp'), ('qemu+tls://%s/system', 'tls'),
    ('qemu+ssh://nova@%s/system', 'ssh'), ('qemu://%s/system', 'unix'),
])
def test_control_scheme_follows_the_uri_first(uri, scheme):
    lm = model.LiveMigrationSettings(live_migration_uri=uri)
    assert lm.control_scheme == scheme


def test_migration_verify_falls_back_like_libvirt():
    assert model.TlsSettings().migration_verify is True
    assert model.TlsSettings(default_tls_x509_verify=False
                             ).migration_verify is False
    assert model.TlsSettings(default_tls_x509_verify=False,
                             migrate_tls_x509_verify=True).migration_verify


def test_shipped_profiles_load_and_list():
    assert sorted(config.list_profiles()) == ['mosk', 'secure',
                                              'upstream-defaults']
    secure = config.load_profile('secure')
    assert secure.profile == 'secure'
    assert secure.tls.migrate_tls_force is True
    assert config.load_profile('upstream-defaults').live_migration == \
        model.LiveMigrationSettings()


def test_profile_with_bad_value_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text('nova:\n  live_migration_downtime: 10\n')
    with pytest.raises(exceptions.ConfigFileError) as e:
        config.load_profile(str(path))
    assert str(e.value).startswith(f'{path}:2: live_migration_downtime = 10 '
                                   'is below the minimum 100')


def test_profile_with_unknown_key_is_refused(tmp_path):
    path = tmp_path / 'p.yaml'
    path.write_text('description: x\nnvoa: {}\n')
    with pytest.raises(exceptions.ConfigFileError, match=":2: unknown key"):
        config.load_profile(str(path))


def test_every_config_code_has_meaning_hint_and_severity():
    cfg_codes = [c for c in findings.CODES if c.startswith('CFG')]
    assert len(cfg_codes) >= 40
    for code in cfg_codes:
        info = findings.CODES[code]
        assert info.meaning and info.hint
        assert info.severity in ('error', 'warning', 'info')


def test_public_api_is_exactly_all():
    names = {n for n in dir(config) if not n.startswith('_')}
    public = {n for n in names if not hasattr(getattr(config, n),
                                              '__file__')}
    assert set(config.__all__) <= names
    assert public == set(config.__all__)
