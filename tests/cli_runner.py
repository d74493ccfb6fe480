"""Run the osmigcfg CLI in-process, the way a user would call it."""

from osmigcfg.cli import app


def run_cli(capsys, *argv):
    """Return (exit status, stdout, stderr) of ``osmigcfg ARGV``."""
    try:
        status = app.main(list(argv))
    except SystemExit as e:  # argparse usage errors exit 2
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err
