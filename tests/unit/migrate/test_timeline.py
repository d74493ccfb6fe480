import struct
import zlib

from osmigcfg.migrate import timeline


def _decode(data):
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    chunks, pos = {}, 8
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xffffffff
        chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
    raw = zlib.decompress(chunks[b'IDAT'])
    assert len(raw) == height * (1 + 3 * width) and (depth, colour) == (8, 2)
    return width, height, raw


def _pixel(width, raw, x, y):
    offset = y * (1 + 3 * width) + 1 + 3 * x
    return tuple(raw[offset:offset + 3])


def test_gantt_png_has_one_coloured_bar_per_server():
    bars = [('vm-1', 0.0, 10.0, 'migrated'), ('vm-2', 5.0, 20.0, 'failed')]
    width, height, raw = _decode(timeline.render_timeline(bars, width=400))
    assert (width, height) == (400, timeline.TOP + timeline.BOTTOM + 24)
    scale = (400 - timeline.LEFT - timeline.RIGHT) / 20.0
    y1 = timeline.TOP + timeline.ROW // 2
    assert _pixel(width, raw, int(timeline.LEFT + 5 * scale), y1) == \
        timeline.COLOURS['migrated']
    y2 = y1 + timeline.ROW
    assert _pixel(width, raw, int(timeline.LEFT + 2 * scale), y2) == \
        timeline.WHITE
    assert _pixel(width, raw, int(timeline.LEFT + 15 * scale), y2) == \
        timeline.COLOURS['failed']


def test_every_glyph_is_seven_rows_of_five_pixels():
    for char, code in timeline._GLYPHS.items():
        rows = timeline._glyph(char)
        assert len(rows) == 7 and all(r < 32 for r in rows), char


def test_write_timeline_writes_the_file(tmp_path):
    path = tmp_path / 'run.png'
    timeline.write_timeline([('a', 0, 1, 'migrated')], path)
    assert path.read_bytes().startswith(b'\x89PNG')
