"""A tiny journaled run used by test_runner (run as a script to be killed)."""

import pathlib
import sys
import time

from osmigcfg import engine


class First(engine.Step):
    step = 'first'

    def execute(self):
        self.record('calling')
        runs = self.context.marks / f'{self.item}.first'
        runs.write_text(runs.read_text() + 'x' if runs.exists() else 'x')
        return {'n': self.item}


class Second(engine.Step):
    step = 'second'

    def execute(self, first):
        hang = self.context.marks / f'{self.item}.hang'
        if hang.exists():
            hang.unlink()
            (self.context.marks / f'{self.item}.hanging').write_text('')
            time.sleep(60)
        if self.item == 'bad':
            raise RuntimeError('bad item')
        return first['n'] + '!'

    def revert(self, first, result, flow_failures, **kwargs):
        (self.context.marks / f'{self.item}.reverted').write_text('')


def build(context, items):
    return engine.run_flow('test', [
        engine.item_flow(i, [First(i, context),
                             Second(i, context, requires=('first',))])
        for i in items])


def run(path, marks, items):
    marks = pathlib.Path(marks)
    try:
        j = engine.Journal.open(path)
    except Exception:
        j = engine.Journal.create(path, 'test', {'items': items})
    context = engine.Context(engine.Windows({'global': 2}),
                             engine.EventStream(j.events_path), marks=marks)
    return engine.Runner(j, build(context, j.plan['items']), context).run(), j


if __name__ == '__main__':
    run(sys.argv[1], sys.argv[2], sys.argv[3].split(','))
