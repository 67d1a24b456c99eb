"""`python -m crs_receiver ...`: the same as the `crs-receiver` command."""

import sys

from crs_receiver.cli import main

sys.exit(main())
