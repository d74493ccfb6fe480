"""The osmigcfg exception tree.

Every error osmigcfg raises on purpose derives from :class:`OsmigcfgError`;
the CLI turns any of them into one line on stderr and a non-zero exit, never
a traceback.  Messages are built here, in one place, from keyword data.

::

    OsmigcfgError
     ├── InputError                 bad input from the user: exit 1
     │    ├── FileReadError         a path that cannot be read (missing,
     │    │                         not a regular file, over the size cap)
     │    ├── YamlDocumentError     a YAML input refused by the loader
     │    │                         (syntax, alias, depth), with its line
     │    ├── PolicyFileError       a policy file that does not parse
     │    ├── UnknownProfileError   a profile name we do not ship
     │    ├── UnknownReleaseError   a Nova release we have no catalog for
     │    ├── UnknownRuleError      a rule name not in the release catalog
     │    ├── UnknownCodeError      a finding code nothing registers
     │    ├── ConfigFileError       a config/deploy-tool file that does not parse
     │    ├── InventoryError        a host inventory that does not parse
     │    └── DataFileError         an export/import document that is invalid
     ├── OutputError                an output file that cannot be written
     ├── PolicyDeniedError          preflight: the policy forbids the action
     ├── CloudError                 talking to a cloud went wrong
     │    ├── CloudUnreachableError the endpoint does not answer
     │    ├── CloudRequestError     the API refused a request (status, reason)
     │    │    ├── TransientError   a 5xx or lost answer (retry or look)
     │    │    └── NotFoundError    no such server / host / migration
     │    ├── MicroversionError     the cloud is too old for a feature
     │    ├── MigrationTimeout      still running when we stopped waiting
     │    │                         (resumable: run `resume`)
     │    ├── MigrationFailed       the migration failed or rolled back
     │    │                         (needs an operator)
     │    ├── CrossCloudTimeout     a cross-cloud copy or cutover wait ran
     │    │                         out (resumable: run it again)
     │    └── CrossCloudFailed      a cross-cloud copy or cutover failed
     │         └── ChecksumMismatch copied bytes differ from the source's
     ├── JournalError               a journal file that is missing or corrupt
     ├── SandboxError               the real-Nova / local-cloud fixture failed
     ├── MissingExtraError          an optional feature whose extra is not
                                    installed (see osmigcfg.extras)
     └── InternalError              an offline command hit an exception
                                    osmigcfg did not mean to raise (a bug)
"""


class OsmigcfgError(Exception):
    """Root of every error osmigcfg raises on purpose."""

    #: A fix hint appended to the message when shown to a user.
    hint = None

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self):
        if self.hint:
            return f'{self.message} ({self.hint})'
        return self.message


class InputError(OsmigcfgError):
    """Bad input from the user (a file, a name, a value)."""


class FileReadError(InputError):
    def __init__(self, path, reason, hint=None):
        super().__init__(f'{path}: cannot read: {reason}', hint=hint)
        self.path = path
        self.reason = reason


class YamlDocumentError(InputError):
    """A YAML input the loader refused; each reader re-raises it as its own
    error (PolicyFileError, ConfigFileError, a finding...)."""

    def __init__(self, path, line, reason, hint=None):
        where = f'{path}:{line}' if line else str(path)
        super().__init__(f'{where}: {reason}', hint=hint)
        self.path = path
        self.line = line
        self.reason = reason


class PolicyFileError(InputError):
    def __init__(self, path, line, reason):
        where = f'{path}:{line}' if line else str(path)
        super().__init__(
            f'{where}: {reason}',
            hint='a policy file is a YAML mapping of rule name to check string',
        )
        self.path = path
        self.line = line
        self.reason = reason


class UnknownProfileError(InputError):
    def __init__(self, name, known):
        super().__init__(
            f'unknown profile {name!r}',
            hint=f'known profiles: {", ".join(sorted(known))}',
        )


class UnknownReleaseError(InputError):
    def __init__(self, release, known, *, service='nova',
                 what='policy catalog'):
        svc = '' if service == 'nova' else f'{service} '
        super().__init__(
            f'no {svc}{what} for Nova release {release!r}',
            hint=f'known releases: {", ".join(str(r) for r in sorted(known))}',
        )


class UnknownRuleError(InputError):
    def __init__(self, name, release, suggestion=None, *, service='nova'):
        hint = f'did you mean {suggestion!r}?' if suggestion else (
            'run `osmigcfg policy effective` to list the rules')
        where = (f'Nova {release}' if service == 'nova' else
                 f'{service} (the release of Nova {release})')
        super().__init__(
            f'unknown policy rule {name!r} for {where}', hint=hint)


class UnknownCodeError(InputError):
    def __init__(self, code, suggestions=()):
        hint = (f'did you mean {" or ".join(suggestions)}?' if suggestions
                else 'codes look like POL210, CFG201, MIG001, RDY302, '
                'XCL101; see the docs\' list of finding codes')
        super().__init__(f'unknown finding code {code!r}', hint=hint)
        self.code = code


class ConfigFileError(InputError):
    def __init__(self, path, line, reason, hint=None):
        where = f'{path}:{line}' if line else str(path)
        super().__init__(f'{where}: {reason}', hint=hint)
        self.path = path
        self.line = line


class InventoryError(InputError):
    def __init__(self, path, reason, hint=None):
        super().__init__(f'{path}: {reason}', hint=hint)


class DataFileError(InputError):
    def __init__(self, path, reason, hint=None):
        super().__init__(f'{path}: {reason}', hint=hint)


class OutputError(OsmigcfgError):
    def __init__(self, path, reason):
        super().__init__(f'{path}: cannot write: {reason}')


class PolicyDeniedError(OsmigcfgError):
    """The effective policy does not allow the caller to do this."""

    def __init__(self, message, rule=None, check=None, hint=None):
        super().__init__(message, hint=hint)
        self.rule = rule
        self.check = check


class CloudError(OsmigcfgError):
    """Talking to a cloud went wrong."""


class CloudUnreachableError(CloudError):
    def __init__(self, endpoint, reason):
        super().__init__(
            f'cannot reach {endpoint}: {reason}',
            hint='check --os-cloud / clouds.yaml and that the API answers')


class CloudRequestError(CloudError):
    """The cloud answered a request with an error status."""

    def __init__(self, what, status, reason, hint=None):
        super().__init__(f'{what}: {reason} (HTTP {status})', hint=hint)
        self.status = status
        self.reason = reason


class TransientError(CloudRequestError):
    """A 5xx answer or a lost answer (``status`` None): retry a read,
    look at the cloud before sending a write again (it may have happened).
    """

    def __init__(self, what, status, reason):
        super().__init__(what, status, reason)
        if status is None:
            self.message = f'{what}: {reason}'


class NotFoundError(CloudRequestError):
    """No such server, host or migration."""

    def __init__(self, kind, name, hint=None):
        super().__init__(f'no {kind} {name!r}', 404, 'not found', hint=hint)
        self.message = f'no {kind} {name!r}'

    def __str__(self):
        return f'{self.message} ({self.hint})' if self.hint else self.message


class MicroversionError(CloudError):
    def __init__(self, feature, needed, available):
        super().__init__(
            f'{feature} needs compute API microversion {needed}, '
            f'the cloud offers at most {available}',
            hint='upgrade Nova or leave out the option that needs it')


class MigrationTimeout(CloudError):
    """Still in progress when we stopped waiting: resumable."""


class MigrationFailed(CloudError):
    """The migration failed or rolled back: needs an operator."""


class CrossCloudTimeout(CloudError):
    """A cross-cloud copy or cutover is still waiting: resumable."""


class CrossCloudFailed(CloudError):
    """A cross-cloud copy or cutover step failed (the item is redone)."""


class ChecksumMismatch(CrossCloudFailed):
    """The destination's checksum differs from the source's."""

    def __init__(self, what, field, source, destination):
        super().__init__(f'{what}: {field} differs (source {source}, '
                         f'destination {destination})')


class JournalError(OsmigcfgError):
    def __init__(self, path, reason):
        super().__init__(f'journal {path}: {reason}')


class SandboxError(OsmigcfgError):
    """The real-Nova or local-cloud sandbox could not start or failed."""


class MissingExtraError(OsmigcfgError):
    """An optional feature was asked for, and its extra is not installed."""

    def __init__(self, feature, extra, *, missing, install):
        super().__init__(f"{feature} needs the '{extra}' extra, which is not "
                         f"installed (no module {', '.join(missing)}): "
                         f"{install}")
        self.extra = extra
        self.missing = list(missing)


class InternalError(OsmigcfgError):
    """An offline command failed with an exception we did not raise."""

    def __init__(self, error):
        super().__init__(
            f'internal error: {type(error).__name__}: {error}',
            hint='a bug in osmigcfg: run again with --debug and report the '
                 'traceback')
        self.error = error
