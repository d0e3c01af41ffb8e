"""``python -m diffusion_core.sample``: the sample command under the name the issues give it.

The command lives in ``models/sample.py`` (``python -m diffusion_core.models.sample``); this name runs the same one.
"""
import sys

from .models.sample import main

if __name__ == "__main__":
    sys.exit(main())
