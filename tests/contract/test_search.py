"""Contract: unified consumer search (term detection, ranking, keyset paging, usage events)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract.support import ROLES, Sample, World
from cso_tui.services.errors import ValidationError
from cso_tui.services.schemas import SearchKind, SearchPage


def accounts(page: SearchPage) -> list[str]:
    return [hit.account_no for hit in page.items]


def all_pages(world: World, term: str, limit: int) -> list[SearchPage]:
    """Follow next_cursor to the end (bounded, so a cursor loop fails instead of hanging)."""
    token = world.token()
    pages = [world.backend.search_consumers(token, term, limit=limit)]
    while pages[-1].next_cursor is not None:
        assert len(pages) < 500, "paging does not end"
        pages.append(
            world.backend.search_consumers(token, term, cursor=pages[-1].next_cursor, limit=limit)
        )
    return pages


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    ("term", "kind", "matched"),
    [
        ("WU-10001", SearchKind.ACCOUNT, "account_no"),
        ("wu-10001", SearchKind.ACCOUNT, "account_no"),
        (" WU-10001 ", SearchKind.ACCOUNT, "account_no"),
        ("10001", SearchKind.ACCOUNT, "account_no"),
        ("M-5678", SearchKind.METER, "meter_no"),
        ("m-5678", SearchKind.METER, "meter_no"),
        ("M-567", SearchKind.METER, "meter_no"),
        ("D-9012", SearchKind.DEVICE, "device_no"),
        ("d-90", SearchKind.DEVICE, "device_no"),
        ("john.doe@example.com", SearchKind.EMAIL, "email"),
        ("JOHN.DOE@EXAMPLE.COM", SearchKind.EMAIL, "email"),
        ("john.doe@", SearchKind.EMAIL, "email"),
        ("john.doe@ex", SearchKind.EMAIL, "email"),
    ],
)
def test_identifier_finds_john_doe_first(
    readonly_world: World, term: str, kind: str, matched: str
) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), term)
    assert page.kind == kind
    assert page.term == term
    assert page.items, f"{term!r} found nothing"
    first = page.items[0]
    assert first.account_no == "WU-10001"
    assert first.matched == matched
    assert first.name == "John Doe"
    assert first.balance == Decimal("75.30")


def test_account_prefix_lists_every_account_with_it_in_order(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "WU-1000")
    assert page.kind == SearchKind.ACCOUNT
    assert accounts(page) == [
        "WU-10001",
        "WU-10002",
        "WU-10003",
        "WU-10004",
        "WU-10005",
        "WU-10006",
        "WU-10007",
    ]
    assert {hit.matched for hit in page.items} == {"account_no"}


def test_the_other_account_format(readonly_world: World) -> None:
    for term in ("ACC-2024-001789", "acc-2024-0017", "ACC-2024"):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert accounts(page) == ["ACC-2024-001789"], term
        assert page.kind == SearchKind.ACCOUNT


def test_a_meter_prefix_finds_every_consumer_with_such_a_meter(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "M-")
    assert sorted(accounts(page)) == ["ACC-2024-001789", "WU-10001", "WU-10002"]
    assert len(accounts(page)) == 3, "a consumer with two matching meters is listed once"


@pytest.mark.parametrize(
    "term",
    [
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "+1 555 123 4567",
        "+1 (555) 123-4567",
        "1-555-123-4567",
        "5551234567",
        "15551234567",
        "555 123 4567",
        "123-4567",
        "1234567",
    ],
)
def test_phone_in_any_format(readonly_world: World, term: str) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), term)
    assert page.kind == SearchKind.PHONE
    assert accounts(page) == ["WU-10001"]
    assert page.items[0].matched == "phone"
    assert page.items[0].phone == "(555) 123-4567"


def test_last_digits_of_a_phone(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "3344")
    assert accounts(page) == ["WU-10007"]
    assert page.items[0].matched == "phone"
    assert page.kind == SearchKind.PHONE


def test_a_stored_international_phone_is_found_by_its_national_number(
    readonly_world: World,
) -> None:
    # stored as "+1 555 444 1212"
    for term in ("(555) 444-1212", "555-444-1212", "4441212"):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert accounts(page) == ["ACC-2024-001789"], term


def test_an_identifier_that_matches_nothing(readonly_world: World) -> None:
    for term in ("WU-99999", "M-0000", "nobody@nowhere.example", "(555) 000-0000", "zzyzx"):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert page.items == [], term
        assert page.next_cursor is None


# ---------------------------------------------------------------- names and addresses


def test_name_prefix(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "joh")
    assert page.kind == SearchKind.NAME
    names = accounts(page)
    assert set(names[:4]) == {"WU-10001", "ACC-2024-001789", "WU-10003", "WU-10004"}
    assert names[4:] == ["WU-10007"]  # only the address says "Johnson"


def test_two_words_in_any_order(readonly_world: World) -> None:
    for term in ("doe john", "John Doe", "JOHN   doe", "jo do"):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert accounts(page)[:1] == ["WU-10001"], term
        assert page.items[0].matched == "name"


def test_every_word_must_match(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "john smith")
    assert accounts(page) == ["ACC-2024-001789"]


def test_ranking_exact_words_then_prefixes_then_addresses(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "john")
    got = [(hit.account_no, hit.matched) for hit in page.items]
    assert sorted(got[:2]) == [("ACC-2024-001789", "name"), ("WU-10001", "name")]
    assert sorted(got[2:4]) == [("WU-10003", "name"), ("WU-10004", "name")]
    assert got[4:] == [("WU-10007", "address")]


def test_an_address_word(readonly_world: World) -> None:
    for term, account in (
        ("maple", "WU-10004"),
        ("Orchard Lane", "WU-10003"),
        ("123 main", "WU-10001"),
    ):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert accounts(page) == [account], term
        assert page.items[0].matched == "address"


def test_names_with_punctuation(readonly_world: World) -> None:
    for term in ("O'Brien", "o brien", "sean o'b"):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert accounts(page)[:1] == ["WU-10006"], term


def test_accented_name_as_written(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "José Álvarez")
    assert accounts(page) == ["WU-10005"]


def test_accented_name_typed_without_accents(readonly_world: World) -> None:
    """Staff type "jose alvarez" on a plain keyboard; every backend must find José Álvarez."""
    page = readonly_world.backend.search_consumers(readonly_world.token(), "jose alvarez")
    assert accounts(page) == ["WU-10005"]


def test_a_fragment_inside_words_falls_back_to_substring_search(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "ohn")
    assert page.kind == SearchKind.NAME
    assert set(accounts(page)) == {
        "WU-10001",
        "ACC-2024-001789",
        "WU-10003",
        "WU-10004",
        "WU-10007",
    }
    assert {hit.matched for hit in page.items} == {"fragment"}


@pytest.mark.parametrize(
    ("term", "account"), [("ichae", "ACC-2024-001789"), ("ppleseed", "WU-10003")]
)
def test_a_longer_fragment_inside_a_word(readonly_world: World, term: str, account: str) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), term)
    assert accounts(page) == [account]
    assert page.items[0].matched == "fragment"


def test_fragments_are_not_used_when_words_match(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "smith")
    assert sorted(accounts(page)) == ["ACC-2024-001789", "WU-10002"]
    assert {hit.matched for hit in page.items} == {"name"}


# ---------------------------------------------------------------- empty and odd terms


@pytest.mark.parametrize("term", ["", "   ", "\t\n", "!!!", "--", "()"])
def test_an_empty_term_returns_an_empty_page(readonly_world: World, term: str) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), term)
    assert page.kind == SearchKind.EMPTY
    assert page.items == []
    assert page.next_cursor is None


@pytest.mark.parametrize(
    "term",
    [
        "%",
        "_",
        "a%b",
        "100%",
        "john_doe",
        '"',
        "'; DROP TABLE consumer; --",
        "NEAR(john doe)",
        "john AND doe OR *",
        "john*",
        "^john",
        "name:john",
        "a" * 500,
        "1" * 300,
        "@",
        "@@@",
        "x@\U0010ffff",
        "\U0010ffff",
        "WU-\U0010ffff",
        "😀 smith",
        "\x00john",
    ],
)
def test_odd_terms_never_fail(readonly_world: World, term: str) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), term)
    assert page.term == term
    assert (
        readonly_world.backend.get_consumer(readonly_world.token(), "WU-10001").name == "John Doe"
    )


def test_like_wildcards_are_literal(readonly_world: World) -> None:
    """'%' and '_' match themselves, never "anything" (which would list every consumer)."""
    for term in ("%%%", "___", "h%n", "o_n"):
        page = readonly_world.backend.search_consumers(readonly_world.token(), term)
        assert page.items == [], term


# ---------------------------------------------------------------- paging


def _many(readonly_world: World, count: int, make) -> list[str]:
    samples = [make(i) for i in range(count)]
    readonly_world.db.add(*samples)
    return [s.account_no for s in samples]


def test_keyset_paging_over_an_account_range(world: World) -> None:
    expected = _many(world, 53, lambda i: Sample(f"WU-3{i:04d}", f"Resident {i}", f"{i} Long Road"))
    pages = all_pages(world, "WU-3", limit=10)
    seen = [a for page in pages for a in accounts(page)]
    assert seen == sorted(expected)
    assert [len(p.items) for p in pages] == [10, 10, 10, 10, 10, 3]


def test_keyset_paging_across_ranking_tiers_visits_each_match_once(world: World) -> None:
    exact = _many(world, 23, lambda i: Sample(f"WU-4{i:04d}", f"Page Keeper {i}", f"{i} Elm Row"))
    prefix = _many(
        world, 21, lambda i: Sample(f"WU-5{i:04d}", f"Pageant Winner {i}", f"{i} Elm Row")
    )
    address = _many(
        world, 19, lambda i: Sample(f"WU-6{i:04d}", f"Resident {i}", f"{i} Page Street")
    )
    pages = all_pages(world, "page", limit=7)
    hits = [hit for page in pages for hit in page.items]
    got = [hit.account_no for hit in hits]
    assert len(got) == len(set(got)), "a consumer was listed twice"
    assert set(got) == set(exact + prefix + address)
    # tiers in order: exact name words, then name prefixes, then addresses
    tier = {**dict.fromkeys(exact, 0), **dict.fromkeys(prefix, 1), **dict.fromkeys(address, 2)}
    assert [tier[a] for a in got] == sorted(tier[a] for a in got)
    assert {h.matched for h in hits if tier[h.account_no] == 2} == {"address"}
    assert all(len(p.items) == 7 for p in pages[:-1])


def test_keyset_paging_over_fragments(world: World) -> None:
    expected = _many(world, 25, lambda i: Sample(f"WU-7{i:04d}", f"Zaqxwen {i}", f"{i} Elm Row"))
    pages = all_pages(world, "qxw", limit=10)
    got = [a for page in pages for a in accounts(page)]
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got))


def test_paging_lists_a_consumer_with_two_matching_meters_once_and_loses_no_one(
    world: World,
) -> None:
    """ACC-2024-001789 has meters M-7701 and M-7702: one match, listed once; M-7703 too."""
    world.db.add(
        Sample("WU-20077", "Third Meter", "1 Elm Row", meters=[("M-7703", "D-7703", "water")])
    )
    for limit in (1, 2, 50):
        pages = all_pages(world, "M-77", limit=limit)
        got = [a for page in pages for a in accounts(page)]
        assert got == ["ACC-2024-001789", "WU-20077"], f"limit={limit}"


def test_paging_lists_a_consumer_matching_two_ways_once(world: World) -> None:
    """A short number is tried as an account number and as a phone's last digits."""
    world.db.add(
        Sample("WU-20011", "Twice Found", "1 Elm Row", phone="555-772-0011"),
        Sample("WU-200119", "Account Only", "2 Elm Row"),
    )
    for limit in (1, 2, 50):
        pages = all_pages(world, "20011", limit=limit)
        got = [a for page in pages for a in accounts(page)]
        assert sorted(got) == ["WU-20011", "WU-200119"], f"limit={limit}"


def test_a_last_page_has_no_cursor(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "smith", limit=2)
    assert len(page.items) == 2
    assert page.next_cursor is None


def test_a_bad_cursor_is_a_validation_error(readonly_world: World) -> None:
    for cursor in ("garbage", "x|y|z", "1|nope|WU"):
        with pytest.raises(ValidationError) as exc:
            readonly_world.backend.search_consumers(readonly_world.token(), "john", cursor=cursor)
        assert exc.value.field == "cursor"


# ---------------------------------------------------------------- rights and tracking


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_search(readonly_world: World, role: str) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(role), "WU-10001")
    assert accounts(page) == ["WU-10001"]


def test_search_writes_a_usage_event(world: World) -> None:
    token = world.token("call_center")
    world.backend.search_consumers(token, "john")
    world.backend.search_consumers(token, "(555) 123-4567")
    world.backend.search_consumers(token, "WU-9999")
    events = world.db.usage("Used_Consumer_Search")
    assert [(e.properties["term_type"], e.properties["result_count"]) for e in events] == [
        ("name", 5),
        ("phone", 1),
        ("account", 0),
    ]
    user = world.db.user("callcenter")
    assert {(e.user_id, e.role) for e in events} == {(user.id, "call_center")}
    assert events[0].at == world.clock.now


def test_search_hits_carry_what_the_result_list_shows(readonly_world: World) -> None:
    page = readonly_world.backend.search_consumers(readonly_world.token(), "WU-10002")
    hit = page.items[0]
    assert (hit.name, hit.status, hit.category, hit.vip) == (
        "Jane Smith",
        "active",
        "commercial",
        True,
    )
    assert (hit.phone, hit.email) == ("555-987-6543", "jane.smith@example.com")
    assert hit.service_address == "456 Oak Avenue, Springfield, IL"
    assert hit.balance == Decimal("1250.00")
    assert isinstance(hit.balance, Decimal)
    disconnected = readonly_world.backend.search_consumers(
        readonly_world.token(), "WU-10007"
    ).items[0]
    assert disconnected.status == "disconnected"
    assert disconnected.balance == Decimal("-12.05")
