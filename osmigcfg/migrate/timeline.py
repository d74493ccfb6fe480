"""A Gantt chart of a run as a PNG, with no imaging library.

One bar per server on a time axis (seconds from the first start), coloured
by outcome, labelled with a built-in 5x7 bitmap font.  The PNG is written
by a dozen lines over :mod:`zlib` (one IHDR, one IDAT of unfiltered RGB
scanlines, IEND), so reports need neither matplotlib nor Pillow.
"""

import struct
import zlib

from osmigcfg import files

COLOURS = {
    'migrated': (46, 160, 67), 'verify_resize': (52, 120, 200),
    'failed': (210, 45, 45), 'timeout': (235, 150, 30),
    'in-flight': (150, 150, 150), 'pending': (200, 200, 200),
    'skipped': (200, 200, 200),
}
WHITE, BLACK, GRID = (255, 255, 255), (30, 30, 30), (225, 225, 225)
ROW, LEFT, TOP, RIGHT, BOTTOM = 12, 130, 24, 16, 30

# 5x7 glyphs: seven rows of five bits (0x10 is the leftmost pixel), each
# row two hex digits.  Letters are drawn lower-case.
_GLYPHS = {
    '0': '0e11131519110e', '1': '040c040404040e', '2': '0e11010204081f',
    '3': '1f02040201110e', '4': '02060a121f0202', '5': '1f101e0101110e',
    '6': '0608101e11110e', '7': '1f010204080808', '8': '0e11110e11110e',
    '9': '0e11110f01020c', 'a': '00000e010f110f', 'b': '1010161911111e',
    'c': '00000e1010110e', 'd': '01010d1311110f', 'e': '00000e111f100e',
    'f': '0609081c080808', 'g': '000f11110f010e', 'h': '10101619111111',
    'i': '04000c0404040e', 'j': '0200060202120c', 'k': '10101214181412',
    'l': '0c04040404040e', 'm': '00001a15151111', 'n': '00001619111111',
    'o': '00000e1111110e', 'p': '00001e111e1010', 'q': '00000d130f0101',
    'r': '00001619101010', 's': '00000e100e011e', 't': '08081c08080906',
    'u': '0000111111130d', 'v': '00001111110a04', 'w': '0000111115150a',
    'x': '0000110a040a11', 'y': '000011110f010e', 'z': '00001f0204081f',
    '-': '0000001f000000', '_': '0000000000001f', '.': '0000000000000c',
    ':': '000c0c000c0c00', '+': '0004041f040400', '/': '00010204081000',
    ' ': '00000000000000', ';': '000c0c000c0408', ',': '000000000c0408',
}


def _glyph(char):
    code = _GLYPHS.get(char.lower(), _GLYPHS['-'])
    return [int(code[i:i + 2], 16) for i in range(0, 14, 2)]


class Canvas:
    """An RGB pixel buffer with the few drawing operations we need."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.rows = [bytearray(WHITE * width) for _ in range(height)]

    def rect(self, x0, y0, x1, y1, colour):
        x0, x1 = max(0, int(x0)), min(self.width, int(x1))
        pixel = bytes(colour)
        for y in range(max(0, int(y0)), min(self.height, int(y1))):
            if x1 > x0:
                self.rows[y][x0 * 3:x1 * 3] = pixel * (x1 - x0)

    def text(self, x, y, text, colour=BLACK):
        for n, char in enumerate(text):
            for row, bits in enumerate(_glyph(char)):
                for col in range(5):
                    if bits & (0x10 >> col):
                        self.rect(x + n * 6 + col, y + row,
                                  x + n * 6 + col + 1, y + row + 1, colour)

    def png(self):
        raw = b''.join(b'\x00' + bytes(r) for r in self.rows)

        def chunk(kind, data):
            return (struct.pack('>I', len(data)) + kind + data +
                    struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
        header = struct.pack('>IIBBBBB', self.width, self.height, 8, 2, 0, 0,
                             0)
        return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) +
                chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))


def _tick_step(span, room):
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if span / step <= room:
            return step
    return 7200


def _legend(canvas, width, outcomes):
    x = width - RIGHT - sum(12 + 6 * len(o) + 10 for o in outcomes)
    for outcome in outcomes:
        canvas.rect(x, 6, x + 8, 13, COLOURS.get(outcome, COLOURS['pending']))
        canvas.text(x + 12, 6, outcome)
        x += 12 + 6 * len(outcome) + 10


def render_timeline(bars, width=900):
    """PNG bytes of a Gantt chart of ``(label, start, end, outcome)`` bars."""
    height = TOP + BOTTOM + ROW * max(1, len(bars))
    canvas = Canvas(width, height)
    span = max([end for _, _, end, _ in bars] + [1.0])
    scale = (width - LEFT - RIGHT) / span
    step = _tick_step(span, (width - LEFT - RIGHT) // 60)
    for tick in range(0, int(span) + 1, step):
        x = LEFT + tick * scale
        canvas.rect(x, TOP - 4, x + 1, height - BOTTOM, GRID)
        canvas.text(x - 3, height - BOTTOM + 6, f'{tick}s')
    canvas.text(4, 6, 'seconds since the first start; one bar per server')
    _legend(canvas, width, sorted({outcome for *_, outcome in bars}))
    for n, (label, start, end, outcome) in enumerate(bars):
        y = TOP + n * ROW
        canvas.text(4, y + 2, label[:20])
        colour = COLOURS.get(outcome, COLOURS['pending'])
        canvas.rect(LEFT + start * scale, y + 2,
                    max(LEFT + end * scale, LEFT + start * scale + 2),
                    y + ROW - 2, colour)
    return canvas.png()


def write_timeline(bars: list, path: str, *, width: int = 900) -> None:
    """Write the chart to ``path`` (atomically, like every output file)."""
    files.write_atomic(path, render_timeline(bars, width))
