"""The five municipal guides on worrying school absence, as validated data."""
from naervaer.guides.loader import GUIDE_KEYS, GuideFileError, load_guide, load_guides
from naervaer.guides.schema import Guide, Localized, Source, canonical_agency

__all__ = ["GUIDE_KEYS", "Guide", "GuideFileError", "Localized", "Source", "canonical_agency", "load_guide", "load_guides"]
