"""``python -m cs_devtools.bench ...``: see cs_devtools.bench.cli."""

import sys

from cs_devtools.bench.cli import main

sys.exit(main())
