"""The municipal guides on worrying school absence (one file each in ``data/``), as validated data."""
from naervaer.guides.loader import GuideFileError, guide_keys, load_guide, load_guides
from naervaer.guides.schema import Guide, Localized, Source, canonical_agency

__all__ = ["GUIDE_KEYS", "Guide", "GuideFileError", "Localized", "Source", "canonical_agency", "guide_keys",
           "load_guide", "load_guides"]


def __getattr__(name: str):
    # GUIDE_KEYS (= guide_keys()) is discovered on first use, not at import; see loader.__getattr__.
    if name == "GUIDE_KEYS":
        return guide_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
