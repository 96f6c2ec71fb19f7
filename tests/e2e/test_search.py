"""Search (issue 16: `?q=` was ignored): a regievoerder finds a person of their own gemeenten
by BSN, v-nummer or the words of their name, and nobody of another gemeente."""

from __future__ import annotations

from tests.platform import person


def _found(platform, q: str, gemeente: str = "0344") -> list[str]:
    answer = platform.http.get(
        f"{platform.url}/api/v1/dossiers",
        params={"q": q},
        headers=platform.headers("regievoerder", gemeente),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return [d["id"] for d in answer.json()["dossiers"]]


def test_a_person_is_found_by_bsn_v_nummer_and_name_in_their_own_gemeente_only(platform):
    who = person("0344", given_name="Yohannes", family_name="Tesfay Gebremariam")
    dossier_id = platform.register(who)
    other = platform.register(person("0344", given_name="Yohannes", family_name="Kidane"))

    assert _found(platform, who["bsn"]) == [dossier_id]
    assert _found(platform, who["v_nummer"]) == [dossier_id]
    assert _found(platform, "yohannes gebremariam") == [dossier_id]
    assert set(_found(platform, "Yohannes")) >= {dossier_id, other}
    assert _found(platform, who["bsn"], gemeente="0321") == []
    assert _found(platform, "Gebremariam", gemeente="0321") == []


def test_a_search_with_like_wildcards_matches_them_as_text(platform):
    platform.register(person("0344", family_name="Al_Hassan"))

    assert _found(platform, "%") == []
    assert len(_found(platform, "Al_Hassan")) == 1


def _page(platform, **params) -> dict:
    answer = platform.http.get(
        f"{platform.url}/api/v1/dossiers",
        params=params,
        headers=platform.headers("regievoerder", "0344"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_long_list_comes_a_page_at_a_time_newest_first_each_dossier_once(platform):
    family = "Paginawijzer"
    registered = [platform.register(person("0344", family_name=family)) for _ in range(5)]

    pages, before = [], None
    while True:
        page = _page(platform, q=family, limit=2, **({"before": before} if before else {}))
        pages.append([d["id"] for d in page["dossiers"]])
        before = page.get("next_before")
        if before is None:
            break
        assert len(pages) < 5, pages

    assert [len(p) for p in pages] in ([2, 2, 1], [2, 2, 1, 0])
    assert [d for p in pages for d in p] == registered[::-1]


def test_a_page_end_that_is_not_one_is_refused_naming_before(platform):
    answer = platform.http.get(
        f"{platform.url}/api/v1/dossiers",
        params={"before": "2026-01-01T00:00:00+00:00_not-a-dossier-id-of-36-characters!!"},
        headers=platform.headers("regievoerder", "0344"),
        timeout=10,
    )

    assert answer.status_code == 422, answer.text
    assert any(e["field"] == "before" for e in answer.json()["errors"]), answer.text
