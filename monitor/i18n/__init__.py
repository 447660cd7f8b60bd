"""UI text in Chinese (default) and English. English text is the key; each module of this package
holds the Chinese for one area of the app, so pages can be translated independently."""
from __future__ import annotations

from importlib import import_module

LANGS = ("zh", "en")
#: English labels of the data's dimensions (their Chinese is in common.py)
DIM_LABELS = {"product": "Product", "region": "Region", "channel": "Channel", "age_band": "Age band",
              "income_band": "Income band", "occupation": "Occupation",
              "collection_action": "Collection action", "restructured": "Restructured"}
_AREAS = ("common", "overview", "trends", "migration", "vintage", "segments", "data", "alerts",
          "collections", "report")
ZH: dict[str, str] = {}
for _area in _AREAS:
    try:
        ZH.update(import_module(f"{__name__}.{_area}").ZH)
    except ModuleNotFoundError:  # an area not written yet
        pass


def t(text: str, lang: str = "zh", **kw) -> str:
    """Translate `text` (English) to `lang`, then fill {placeholders} from kw."""
    out = ZH.get(text, text) if lang == "zh" else text
    return out.format(**kw) if kw else out
