"""`python -m studio` runs the command line."""

import sys

from studio.cli.main import main

sys.exit(main())
