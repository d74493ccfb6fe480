"""Policy profiles: named sets of migration-rule overrides, as data.

A profile (``policies/profiles/<name>.yaml``) has a description, a source,
``overrides`` (rule -> check string), optional ``base_rules`` (helper rules
written only for releases that do not register them) and optional
``min_release`` (rule -> the first release where the override is safe).
"""

import dataclasses
import functools

import yaml

from osmigcfg import exceptions
from osmigcfg import files
from osmigcfg import inputs
from osmigcfg import resources


@dataclasses.dataclass(frozen=True)
class Profile:
    name: str
    description: str
    source: str
    overrides: dict
    base_rules: dict = dataclasses.field(default_factory=dict)
    min_release: dict = dataclasses.field(default_factory=dict)


def _profiles_dir():
    return resources.policies_dir() / 'profiles'


def profile_names() -> list[str]:
    """Names of the shipped profiles, sorted."""
    return sorted(p.stem for p in _profiles_dir().glob('*.yaml'))


@functools.lru_cache(maxsize=None)
def load_profile(name: str) -> Profile:
    """Load a shipped profile by name (UnknownProfileError if none)."""
    path = _profiles_dir() / f'{name}.yaml'
    if not path.is_file():
        raise exceptions.UnknownProfileError(name, profile_names())
    data = yaml.safe_load(path.read_text(encoding='utf-8'))
    return Profile(
        name=data['name'],
        description=' '.join(str(data.get('description', '')).split()),
        source=data.get('source', ''),
        overrides=dict(data.get('overrides') or {}),
        base_rules=dict(data.get('base_rules') or {}),
        min_release=dict(data.get('min_release') or {}),
    )


def read_overrides(path: inputs.PathArg) -> dict[str, str]:
    """Read a user's override file: a YAML mapping of rule -> check string.

    It is a policy file, so it goes through the same reader (line numbers,
    duplicate and bad-value detection); bad values are refused here.
    """
    from osmigcfg.policy import source  # local: source imports yaml only
    src = source.parse_policy_text(files.read_text(path), path)
    if src.bad_values:
        name, line, why = src.bad_values[0]
        raise exceptions.PolicyFileError(path, line, f'{name}: {why}')
    return {name: entry.check_str for name, entry in src.entries.items()}
