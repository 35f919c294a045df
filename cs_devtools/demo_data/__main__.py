"""``python -m cs_devtools.demo_data --out DIR ...``: see cs_devtools.demo_data.cli."""

import sys

from cs_devtools.demo_data.cli import main

sys.exit(main())
