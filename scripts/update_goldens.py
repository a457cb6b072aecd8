"""Regenerate the frame-snapshot goldens in tests/goldens/, writing a diff image for each change.

Run after a deliberate visual change: .venv/bin/python scripts/update_goldens.py
Then look at media/golden-diffs/ (golden | new | changes in red) before committing.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the snapshot support lives in tests/

from tests.snapshots import update_goldens

for line in update_goldens():
    print(line)
