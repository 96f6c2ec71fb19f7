"""The legal frame of the decisions Wegwijs writes down as documents: for each kind its title, its
data category and the articles it rests on, and the bezwaar clause every one of them carries.
Pure data.

Verified in the search corpora (infomil.nl, "Awb Bezwaar"): Awb art. 6:4 (bezwaar is made with
the body that took the decision), 6:5 (what a bezwaarschrift holds), 6:7 (six weeks), 6:8 (from
the day after the decision was made known) and 7:1 (bezwaar before beroep); inview.nl: Awb art.
5:9 (what a sanction's decision states: the offence and the rule broken). The Wet inburgering
2021 and Besluit inburgering 2021 articles are those the services' own rule tables cite
(services/pip/rules.py, services/intake/rules.py); their text could not be opened in the corpora
(only the law's preamble and definitions), so these citations are not verified word for word.
"""

from __future__ import annotations

from dataclasses import dataclass

PIP_BESCHIKKING = "pip-beschikking"
PIP_WIJZIGING = "pip-wijziging"
VERLENGING = "verlenging"
WAARSCHUWING = "waarschuwing"
BOETE = "boete"

# Awb art. 6:7: six weeks; art. 6:8 lid 1: from the day after the decision was made known.
BEZWAAR_WEEKS = 6
BEZWAAR_ARTICLES = "Algemene wet bestuursrecht (Awb), artikel 6:4, 6:5, 6:7, 6:8 en 7:1"


@dataclass(frozen=True)
class Kind:
    """A kind of decision document: its title, the data category it belongs to (which decides
    who may read it and what its reading logs), and its legal grounds, in Dutch."""

    code: str
    title: str
    category: str
    grounds: tuple[str, ...]


KINDS = {
    kind.code: kind
    for kind in (
        # Wi 2021 art. 14-15: the PIP is drawn up from the brede intake and set by the college
        # as a decision (beschikking); Besluit inburgering 2021 art. 5.3: within ten weeks.
        Kind(
            PIP_BESCHIKKING,
            "Besluit: uw Plan Inburgering en Participatie (PIP)",
            "pip",
            (
                "Wet inburgering 2021, artikel 14 en 15 (brede intake en PIP)",
                "Wet inburgering 2021, artikel 7 en 11 (leerroute en inburgeringstermijn)",
                "Besluit inburgering 2021, artikel 5.3 (termijn voor het PIP)",
            ),
        ),
        # A change of the PIP changes the decision: a new decision (Awb art. 1:3), with its
        # own bezwaar clause. Afschalen: Besluit inburgering 2021 art. 5.5.
        Kind(
            PIP_WIJZIGING,
            "Besluit: wijziging van uw Plan Inburgering en Participatie (PIP)",
            "pip",
            (
                "Wet inburgering 2021, artikel 15 (PIP)",
                "Algemene wet bestuursrecht, artikel 1:3 (een wijziging is een nieuw besluit)",
                "Besluit inburgering 2021, artikel 5.5 (alleen bij afschalen naar A2)",
            ),
        ),
        # Besluit inburgering 2021 art. 5.3: the ten weeks are postponed while the gemeente
        # waits for a third party's information, to at most two weeks after it arrives.
        Kind(
            VERLENGING,
            "Besluit: meer tijd voor uw Plan Inburgering en Participatie (PIP)",
            "pip",
            ("Besluit inburgering 2021, artikel 5.3 (termijn voor het PIP en uitstel)",),
        ),
        # Wi 2021 art. 31; Awb art. 5:41 (no measure for what cannot be blamed). Whether a
        # written warning is itself a decision (Awb art. 1:3) is debated; the gemeente gives
        # the bezwaar clause with it anyway, so that nobody loses the chance to object.
        Kind(
            WAARSCHUWING,
            "Schriftelijke waarschuwing",
            "handhaving",
            (
                "Wet inburgering 2021, artikel 31 (waarschuwing en boete)",
                "Algemene wet bestuursrecht, artikel 5:41 (alleen als u iets te verwijten valt)",
            ),
        ),
        # Wi 2021 art. 31-33; Awb art. 5:41 (culpability), 4:8 and 5:53 (the hearing).
        Kind(
            BOETE,
            "Besluit: bestuurlijke boete",
            "handhaving",
            (
                "Wet inburgering 2021, artikel 31 tot en met 33 (bestuurlijke boete)",
                "Algemene wet bestuursrecht, artikel 5:41 (alleen als u iets te verwijten valt)",
                "Algemene wet bestuursrecht, artikel 4:8 en 5:53 (uw zienswijze vooraf)",
            ),
        ),
    )
}
