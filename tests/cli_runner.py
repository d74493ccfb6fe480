"""Run the osmigcfg CLI in-process, the way a user would call it."""

import logging

from osmigcfg.cli import app


def run_cli(capsys, *argv):
    """Return (exit status, stdout, stderr) of ``osmigcfg ARGV``.

    osc-lib's shell adds a console handler (bound to the sys.stderr of the
    moment) to the root logger on every run and sets it to DEBUG; a real
    process runs once, tests run many times, so we undo both afterwards.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        status = app.main(list(argv))
    except SystemExit as e:  # argparse usage errors exit 2
        status = e.code
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    out, err = capsys.readouterr()
    return status, out, err
