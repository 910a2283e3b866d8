"""Region packs shipped with Rehome; `manage.py load_region PATH` loads one into the database."""

from pathlib import Path

DEFAULT_PACK = Path(__file__).parent / "west-midlands"
