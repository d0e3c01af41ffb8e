"""``python -m diffusion_core.train``: the training command under the name the issues give it.

The command lives in ``models/train.py`` (``python -m diffusion_core.models.train``); this name runs the same one.
"""
from .models.train import main

if __name__ == "__main__":
    main()
