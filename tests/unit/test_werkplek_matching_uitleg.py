"""The matching tab's explanations (services/werkplek/dossier_matching_uitleg.py): matching's
reasons in plain Dutch, whether each criterion fits, and why the others are left out."""

from __future__ import annotations

from services.werkplek.dossier_matching_uitleg import explained, left_out, plain


def test_days_goals_and_routes_are_written_out():
    assert plain("beschikbaarheid", "4 uur per week, op di, do, za") == (
        "4 uur per week, op dinsdag, donderdag en zaterdag."
    )
    assert plain("beschikbaarheid", "2 uur per week, op —") == "2 uur per week, geen dag die past."
    assert plain("doelen", "interesse in verblijfsintentie, sociaal_netwerk uit het PIP") == (
        "Interesse in blijven in Nederland en sociale contacten uit het PIP."
    )
    assert plain("fase", "ervaring met fase 2 en z-route") == "Ervaring met fase 2 en de Z-route."


def test_what_matching_could_not_use_is_said_as_such():
    reason = "niet gebruikt: geen grondslag of toestemming voor taal-leerbaarheid"

    assert plain("taal", reason) == (
        "Niet meegeteld: de gemeente mag de gegevens over taal niet met deze organisatie delen."
    )
    [criterion] = explained(
        {"uitleg": [{"criterium": "taal", "punten": 0, "gewicht": 30, "reden": reason}]}
    )
    assert criterion["verdict"] == "Niet meegeteld"


def test_each_criterion_says_how_well_it_fits():
    shown = explained(
        {
            "uitleg": [
                {"criterium": "taal", "punten": 30, "gewicht": 30, "reden": "spreekt Arabisch"},
                {"criterium": "fase", "punten": 7.5, "gewicht": 15, "reden": "fase 1"},
                {"criterium": "doelen", "punten": 0, "gewicht": 20, "reden": "geen interesse"},
            ]
        }
    )

    assert [(c["label"], c["verdict"], c["points"]) for c in shown] == [
        ("Taal", "Past goed", "30 van 30"),
        ("Fase en leerroute", "Past een beetje", "7,5 van 15"),
        ("Doelen uit het PIP", "Past niet", "0 van 20"),
    ]


def test_the_reasons_others_are_left_out_are_counted_in_words():
    ranking = {
        "uitgesloten": {
            "a": ["geen ruimte: begeleidt al 3 van 3"],
            "b": ["VOG van 2020-01-01 is verlopen", "geen ruimte: begeleidt al 2 van 2"],
        }
    }

    assert left_out(ranking) == [("Heeft geen plek meer", 2), ("De VOG is verlopen", 1)]
