"""Create neutron's schema on sqlite and stamp it, in one process.

neutron's alembic migrations ALTER constraints, which sqlite cannot do, so
the schema comes from neutron's models (``create_all``) and the alembic
heads are then stamped as applied.

Usage: ``python -m neutron_schema CONFIG_FILE...`` (the neutron.conf with
``[database] connection``).
"""

import sys

import sqlalchemy

from neutron.db.migration import cli
from neutron.db.migration.models import head


def main(config_files):
    """Build the schema from the models, then ``stamp heads``."""
    from oslo_config import cfg
    argv = []
    for path in config_files:
        argv += ['--config-file', path]
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt('connection'), group='database')
    conf(argv, project='neutron', default_config_files=[])
    engine = sqlalchemy.create_engine(conf.database.connection)
    head.get_metadata().create_all(engine)
    engine.dispose()
    sys.argv = ['neutron-db-manage'] + argv + ['stamp', 'heads']
    return cli.main()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
