"""Decisions as documents, over HTTP on the running platform (issue 17): the PIP beschikking, a
change of it, more time for the PIP, and a warning and a fine of both ladders are issued once as
Dutch letters with the gemeente, the person's name, the date written out, what was decided, the
legal grounds and the bezwaar clause; listed with the dossier, readable as HTML and as PDF, and
on the dossier's timeline with a link."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from pypdf import PdfReader

from services.common import dutch
from services.common.clock import today_in_amsterdam
from tests.e2e.http import as_role, send
from tests.e2e.test_answers_match_the_contract import _validator
from tests.e2e.test_fair_enforcement_intake import CULPABLE as INTAKE_CULPABLE
from tests.e2e.test_fair_enforcement_intake import HEARING, _decide, _two_no_shows
from tests.e2e.test_pip import _completed_intake, _draft
from tests.e2e.test_pip_rules_of_the_law import BREACH, CULPABLE
from tests.pip_fixtures import goal
from tests.platform import eventually, person

BEZWAAR = ("Dan kunt u bezwaar maken", "6 weken", "college van burgemeester en wethouders", "6:7")


def _documents(platform, dossier_id: str, role: str = "regievoerder") -> list[dict]:
    answer = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/documents", None, as_role(role))
    assert answer.status_code == 200, answer.text
    _validator("DossierDocuments").validate(answer.json())
    return answer.json()["documents"]


def _html(platform, document: dict) -> str:
    answer = send(platform, "GET", document["href"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/html")
    assert hashlib.sha256(answer.content).hexdigest() == document["sha256"]
    return answer.text


def _name(platform, dossier_id: str) -> str:
    dossier = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}").json()
    return f"{dossier['given_name']} {dossier['family_name']}"


def _assert_letter(html: str, name: str, *grounds: str) -> None:
    assert "Gemeente Utrecht" in html
    assert name in html
    assert dutch.as_date(today_in_amsterdam()) in html, "the date written out in Dutch"
    for text in (*BEZWAAR, *grounds):
        assert text in html, text


def _established(platform) -> str:
    today = today_in_amsterdam()
    dossier_id = _completed_intake(platform, today - timedelta(weeks=6))
    _draft(platform, dossier_id, today)
    established = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/establish", {})
    assert established.status_code == 200, established.text
    return dossier_id


def test_establishing_a_pip_issues_its_beschikking_once_with_grounds_and_bezwaar(platform):
    dossier_id = _established(platform)

    documents = _documents(platform, dossier_id)

    assert [(d["kind"], d["decided_by"]) for d in documents] == [("pip-beschikking", "pip")]
    html = _html(platform, documents[0])
    _assert_letter(html, _name(platform, dossier_id), "Wet inburgering 2021, artikel 14 en 15")
    assert "B1-route" in html and "Nederlandse taal (NT2): 600 uur" in html
    assert "Doel op gezondheid." not in html, "no goal text, so no health, in a letter"
    send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip")
    assert [d["document_id"] for d in _documents(platform, dossier_id, "klantmanager")] == [
        documents[0]["document_id"]
    ], "issued once, and the klantmanager reads the same list"


def test_a_revision_is_a_new_beschikking_and_the_first_stays_as_it_was(platform):
    dossier_id = _established(platform)
    first = _documents(platform, dossier_id)[0]
    first_html = _html(platform, first)
    today = today_in_amsterdam()
    revision = {
        "kind": "anders",
        "explanation": "Werkdoel na gesprek.",
        "add_goals": [goal(today, "werk", phase=3, term="lang")],
    }
    revised = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/revisions", revision)
    assert revised.status_code == 201, revised.text

    documents = _documents(platform, dossier_id)

    assert [d["kind"] for d in documents] == ["pip-beschikking", "pip-wijziging"]
    assert documents[0] == first
    assert _html(platform, documents[0]) == first_html
    _assert_letter(
        _html(platform, documents[1]), _name(platform, dossier_id), "artikel 1:3", "B1-route"
    )


def test_more_time_for_the_pip_and_the_new_day_are_letters_without_what_is_awaited(platform):
    arrived = (today_in_amsterdam() - timedelta(weeks=2)).isoformat()
    dossier_id = platform.register(
        person("0344", duo_notice_date=arrived, brp_registration_date=arrived)
    )
    eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip"),
        lambda r: r.status_code == 200,
        what="the draft PIP is open",
    )
    awaited = {"awaited": "Verslag van de psycholoog", "from_party": "GGZ Centraal"}
    extended = send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/pip/extension", awaited)
    assert extended.status_code == 200, extended.text

    documents = _documents(platform, dossier_id)

    assert [d["kind"] for d in documents] == ["verlenging"]
    html = _html(platform, documents[0])
    _assert_letter(html, _name(platform, dossier_id), "Besluit inburgering 2021, artikel 5.3")
    assert "psycholoog" not in html and "GGZ" not in html
    assert "U krijgt dan een brief met de nieuwe datum" in " ".join(html.split())

    arrival = f"/api/v1/dossiers/{dossier_id}/pip/extension/arrival"
    assert send(platform, "POST", arrival, {}).status_code == 200
    documents = _documents(platform, dossier_id)
    assert [d["kind"] for d in documents] == ["verlenging", "verlenging"]
    deadline = send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/pip").json()["deadline"]
    new = _html(platform, documents[1])
    _assert_letter(new, _name(platform, dossier_id), "Die informatie is nu binnen")
    assert f"uiterlijk <strong>{dutch.as_date(deadline)}</strong> klaar" in new


def test_a_pip_warning_and_fine_are_letters_the_fine_with_its_amount(platform):
    dossier_id = _established(platform)
    decisions = f"/api/v1/dossiers/{dossier_id}/pip/breaches"
    for _ in range(2):
        assert send(platform, "POST", decisions, BREACH).status_code == 201
    warning = {"take": True, "reason": "Eerste keer.", "culpability": CULPABLE}
    assert send(platform, "PUT", f"{decisions}/1/decision", warning).status_code == 200
    heard = {"on": today_in_amsterdam().isoformat(), "summary": "Geen reden gegeven."}
    fine = {
        "take": True,
        "reason": "Weer afwezig.",
        "hearing": heard,
        "amount_eur": 150,
        "culpability": CULPABLE,
    }
    assert send(platform, "PUT", f"{decisions}/2/decision", fine).status_code == 200

    documents = _documents(platform, dossier_id)

    assert [(d["kind"], d["category"]) for d in documents] == [
        ("pip-beschikking", "pip"),
        ("waarschuwing", "handhaving"),
        ("boete", "handhaving"),
    ]
    name = _name(platform, dossier_id)
    warning_html = _html(platform, documents[1])
    _assert_letter(warning_html, name, "Wet inburgering 2021, artikel 31", "Taalles")
    fine_html = _html(platform, documents[2])
    _assert_letter(fine_html, name, "artikel 31 tot en met 33", "5:53")
    assert "€ 150" in fine_html
    assert "Geen reden gegeven." not in fine_html, "not the hearing's own words"


def test_an_intake_warning_and_fine_are_letters_and_a_waived_step_is_none(platform):
    dossier_id = platform.register(person("0344"))
    _two_no_shows(platform, dossier_id)
    assert _decide(platform, dossier_id, "waarschuwing", {"take": True, "reason": "Eerste."})
    taken = _decide(
        platform,
        dossier_id,
        "boete",
        {"take": True, "reason": "Weer weg.", "culpability": INTAKE_CULPABLE, "hearing": HEARING},
    )
    assert taken.status_code == 200, taken.text

    documents = _documents(platform, dossier_id)

    assert [(d["kind"], d["decided_by"]) for d in documents] == [
        ("waarschuwing", "intake"),
        ("boete", "intake"),
    ]
    name = _name(platform, dossier_id)
    _assert_letter(_html(platform, documents[0]), name, "u kwam 1 keer niet")
    fine = _html(platform, documents[1])
    _assert_letter(fine, name, "u kwam 2 keer niet", "€ 250", "artikel 4:8")
    assert dutch.as_date(HEARING["invited_on"]) in fine

    waived = platform.register(person("0344"))
    _two_no_shows(platform, waived)
    _decide(platform, waived, "waarschuwing", {"take": False, "reason": "Ziek geweest."})
    assert _documents(platform, waived) == []


def test_a_document_as_pdf_holds_the_name_and_the_bezwaar_clause(platform):
    dossier_id = _established(platform)
    document = _documents(platform, dossier_id)[0]

    headers = {**as_role(), "Accept": "application/pdf"}
    answer = send(platform, "GET", document["href"], None, headers)

    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(answer.content)).pages
    )
    assert _name(platform, dossier_id) in text
    assert "Dan kunt u bezwaar maken" in text and "6 weken" in text
    assert dutch.as_date(today_in_amsterdam()) in text


def test_the_timeline_lists_each_document_with_a_link_to_it(platform):
    dossier_id = _established(platform)
    document = _documents(platform, dossier_id)[0]

    timeline = eventually(
        lambda: send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/timeline").json(),
        lambda page: any(i["document"] for i in page["items"]),
        what="the document's issue reaches the timeline",
    )

    _validator("Timeline").validate(timeline)
    linked = [i for i in timeline["items"] if i["document"]]
    assert [(i["what"], i["document"]) for i in linked] == [
        ("Brief met het besluit over het PIP verstuurd", document["href"])
    ]
    assert all(i["document"] is None for i in timeline["items"] if i not in linked)
    assert _html(platform, document)


def test_documents_are_read_by_the_gemeentes_staff_only_and_each_read_is_logged(platform):
    dossier_id = _established(platform)
    document = _documents(platform, dossier_id)[0]
    listing = f"/api/v1/dossiers/{dossier_id}/documents"

    houten = as_role(gemeente="0321")
    assert send(platform, "GET", listing, None, houten).status_code == 404
    assert send(platform, "GET", document["href"], None, houten).status_code == 404
    for role in ("begeleider", "auditor", "beleidsmedewerker"):
        assert send(platform, "GET", listing, None, as_role(role)).status_code == 403
        assert send(platform, "GET", document["href"], None, as_role(role)).status_code == 403
    other = platform.register(person("0344"))
    misplaced = send(
        platform, "GET", f"/api/v1/dossiers/{other}/documents/{document['document_id']}"
    )
    assert misplaced.status_code == 404, "a document only under its own dossier"

    def readers() -> list[dict]:
        """Who saw the dossier, but for the auditor asking this (their queries are reads too)."""
        answer = platform.get(f"/api/v1/audit/dossiers/{dossier_id}/readers", "auditor").json()
        return [r for r in answer["readers"] if r["actor_roles"] != "auditor"]

    before = {r["seq"] for r in eventually(readers, lambda r: len(r) >= 2, what="reads")}
    assert _html(platform, document)
    assert _documents(platform, dossier_id, "klantmanager")

    eventually(
        readers,
        lambda r: (
            {x["actor"] for x in r if x["seq"] not in before}
            == {"e2e-regievoerder", "e2e-klantmanager"}
        ),
        what="the document's and the list's reads are in who saw the dossier",
    )
