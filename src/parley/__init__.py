"""Parley: a sourced, time-aware ledger of who demands, offers, accepts or rejects what.

The Python API in three lines::

    from parley import analyse_text
    analysis = analyse_text("Putin demanded that Ukraine leave Donbas.", date="2025-08-17")
    analysis["acts"]
"""

from __future__ import annotations

__version__ = "0.1.0"


def analyse_text(text: str, *, date: str | None = None, article_id: str = "text",
                 title: str | None = None) -> dict:
    """Analyse one text and return its contract record (see CONTRACT.md)."""
    from .analysis import analyse_one
    from .pipeline import load_pipeline
    from .reading import Article, normalise_date

    iso_date, warnings = normalise_date(date, article_id)
    article = Article(id=article_id, text=text, date=iso_date, title=title, warnings=warnings)
    return analyse_one(article, load_pipeline())
