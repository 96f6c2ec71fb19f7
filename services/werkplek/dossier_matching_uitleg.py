"""Matching's explanation of a shortlist, for the regievoerder: per criterion whether it fits,
and matching's reason in plain Dutch (days, goals and routes written out; what it could not use
said as such), and why the others are left out."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from services.werkplek import begeleiding as words

CRITERIA = {
    "taal": "Taal",
    "plaats": "Waar",
    "beschikbaarheid": "Wanneer",
    "doelen": "Doelen uit het PIP",
    "fase": "Fase en leerroute",
    "omstandigheden": "Omstandigheden",
}
# What matching could not use, by its data category, in words.
CATEGORIES = {
    "taal-leerbaarheid": "de gegevens over taal",
    "pip": "het PIP",
    "contact": "het adres",
    "gezin": "de gegevens over het gezin",
}
# Why a candidate is left out (matching's words, ranking.py), said for the regievoerder.
EXCLUSIONS = (
    ("geen VOG", "Heeft geen VOG"),
    ("VOG gedateerd", "De datum van de VOG klopt niet"),
    ("VOG van", "De VOG is verlopen"),
    ("training niet gevolgd", "Heeft de basistraining nog niet gedaan"),
    ("geen ruimte", "Heeft geen plek meer"),
    ("werkt niet in deze gemeente", "Werkt niet in deze gemeente"),
    ("geen plaats meer vrij", "Er is geen plaats meer vrij"),
    ("liep tot", "De plaats is voorbij"),
    ("niet geschikt voor de Z-route", "Niet geschikt voor de Z-route"),
    ("niet alleen voor vrouwen", "Niet alleen voor vrouwen"),
    ("niet in deze gemeente", "Niet in deze gemeente"),
    ("de organisatie mag niets", "De organisatie mag niets over deze persoon weten"),
)


def _and(items: list[str]) -> str:
    """The items as a Dutch sentence lists them: "a, b en c"."""
    return f"{', '.join(items[:-1])} en {items[-1]}" if len(items) > 1 else "".join(items)


def _listed(text: str, names: dict[str, str], pattern: str) -> str:
    """The codes matching wrote after `pattern` (its second group) as words."""

    def named(match: re.Match[str]) -> str:
        codes = [code.strip() for code in match.group(2).split(",")]
        said = [names.get(code, code) for code in codes]
        return match.group(1) + _and([word[:1].lower() + word[1:] for word in said])

    return re.sub(pattern, named, text)


def plain(criterion: str, reason: str) -> str:
    """Matching's reason for a criterion's points in plain Dutch: days, goals and routes
    written out, and what it could not use said as such."""
    unused = re.match(r"niet gebruikt: geen grondslag of toestemming voor (\S+)", reason)
    if unused:
        what = CATEGORIES.get(unused.group(1), unused.group(1))
        return f"Niet meegeteld: de gemeente mag {what} niet met deze organisatie delen."
    if criterion == "beschikbaarheid":
        reason = reason.replace("op —", "geen dag die past")
        reason = _listed(reason, words.DAYS, r"(op )([a-z]{2}(?:, [a-z]{2})*)$")
    if criterion == "doelen":
        reason = _listed(
            reason, words.DOMAINS, r"(interesse in |sluit aan bij )(.+?)(?= uit het PIP)"
        )
    reason = re.sub(
        r"\b(b1|onderwijs|z)-route\b", lambda m: "de " + words.ROUTES[m.group(1)], reason
    )
    reason = reason.replace("uit de regionale pool", "werkt in een andere gemeente van de regio")
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


def verdict(points: float, weight: int, reason: str) -> str:
    """Whether a criterion fits, by its share of the points it could give."""
    if reason.startswith("niet gebruikt"):
        return "Niet meegeteld"
    share = points / weight if weight else 0
    return "Past goed" if share >= 0.7 else ("Past een beetje" if share >= 0.3 else "Past niet")


def explained(candidate: dict[str, Any]) -> list[dict[str, str]]:
    """Each criterion of a ranked candidate: its name, whether it fits, why, and its points."""
    return [
        {
            "label": CRITERIA.get(c["criterium"], c["criterium"]),
            "verdict": verdict(c["punten"], c["gewicht"], c["reden"]),
            "reason": plain(c["criterium"], c["reden"]),
            "points": f"{c['punten']:g} van {c['gewicht']}".replace(".", ","),
        }
        for c in candidate["uitleg"]
    ]


def left_out(ranking: dict[str, Any]) -> list[tuple[str, int]]:
    """Why candidates are left out, in words, with how many each reason keeps out."""
    counted: Counter[str] = Counter()
    for reasons in ranking["uitgesloten"].values():
        for reason in reasons:
            counted[
                next((said for start, said in EXCLUSIONS if reason.startswith(start)), reason)
            ] += 1
    return counted.most_common()
