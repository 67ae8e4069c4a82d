"""``python -m jcalc``: the same as the ``jcalc`` command."""

import sys

from jcalc.cli import main

sys.exit(main())
