"""Hypothesis strategies that spoil valid inputs the way files go wrong.

A case starts from a valid seed (a policy file, a nova.conf, an inventory,
an exported document...) and applies a few mutations: insert one of the
hostile snippets every reader must survive (YAML anchors and aliases, deep
nesting, tags, impossible dates, huge numbers, lists where strings belong,
NUL and non-UTF-8 bytes, unbalanced check strings), delete or repeat a span,
replace a byte, cut the file short.  Random bytes and text are mixed in.
"""

from hypothesis import strategies as st

#: snippets every reader must turn into an osmigcfg error or finding
HOSTILE = [
    'a: &x [1, 2]\nb: *x\n', '&a', '*a', '<<: *a\n',
    '!!python/object:os.system x',
    '!!binary AAAA', '!!set {a, b}', '!!omap [a: 1]', '? [a, b]\n: 1\n',
    '? {a: 1}\n: 2\n', '[' * 300, '{' * 300, '- ' * 200 + 'x\n',
    '2024-13-45', 'd: 2024-02-30\n', '1e99999', '0x' + 'f' * 50,
    '9' * 5000, '-.inf', '.nan', '~', '""', "''", '"\\u00"', '\t',
    '\x00', '\x85', '\ufeff', '\u2028', 'é', '%YAML 1.1\n---\n', '---\n',
    '...\n', '--- !tag\n', 'x: [\n', 'x: {\n', 'x: "unterminated\n',
    ': \n', '- - - -\n', 'key: value: more\n', '[section]\n', '[]\n',
    'x = \n', 'x = [\n', '= 1\n', '[DEFAULT\n', 'not ' * 40 + 'role:a',
    '(' * 50, ')' * 50, 'role:admin and (', 'rule:' * 20, '@', '!',
    '%(project_id)s', '%(', 'http://127.0.0.1:9/x', 'https://example.org',
    'a' * 3000, '\n' * 50, '#' * 10, '-----BEGIN CERTIFICATE-----\n',
    '-----END CERTIFICATE-----\n', '-----BEGIN PRIVATE KEY-----\nAAAA\n',
    'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n',
]
HOSTILE_BYTES = [b'\xff\xfe', b'\xc3\x28', b'\x80', b'\xed\xa0\x80',
                 b'\x00\x00\x00\x00']


def _encode(piece):
    return piece.encode('utf-8') if isinstance(piece, str) else piece


@st.composite
def _mutation(draw, data):
    size = len(data)
    kind = draw(st.sampled_from(
        ['insert', 'insert', 'insert', 'delete', 'repeat', 'replace',
         'truncate', 'line']))
    at = draw(st.integers(0, size))
    if kind == 'insert':
        piece = draw(st.one_of(
            st.sampled_from(HOSTILE).map(_encode),
            st.sampled_from(HOSTILE_BYTES),
            st.text(max_size=20).map(_encode),
            st.binary(max_size=12)))
        return data[:at] + piece + data[at:]
    if kind == 'delete':
        end = draw(st.integers(at, min(size, at + 40)))
        return data[:at] + data[end:]
    if kind == 'repeat':
        end = draw(st.integers(at, min(size, at + 80)))
        times = draw(st.integers(2, 30))
        return data[:at] + data[at:end] * times + data[end:]
    if kind == 'replace' and size:
        at = min(at, size - 1)
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if kind == 'line':
        # a hostile snippet as a line of its own, where a key would be
        lines = data.split(b'\n')
        index = draw(st.integers(0, len(lines)))
        lines.insert(index, _encode(draw(st.sampled_from(HOSTILE))))
        return b'\n'.join(lines)
    return data[:at]


@st.composite
def mutated(draw, seeds, max_mutations=4):
    """Bytes: one of ``seeds`` (str or bytes) with a few mutations."""
    data = _encode(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, max_mutations))):
        data = draw(_mutation(data))
    return data


def inputs(seeds, structured=None):
    """Mostly mutated seeds; some random text/bytes; ``structured`` cases
    (a strategy of text) when a family has a generator of its own."""
    choices = [mutated(seeds), mutated(seeds), mutated(seeds),
               st.text(max_size=300).map(_encode), st.binary(max_size=200)]
    if structured is not None:
        choices.append(structured.map(_encode))
    return st.one_of(choices)
