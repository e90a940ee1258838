"""The board imports the residents who already live in the association from a spreadsheet:
with their unit, tenancy (start, end) and group; a preview of every row, then confirm."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry, Building, Unit
from members.models import Member, MixGroupPeriod, Tenancy
from tests.helpers import assert_flat_query_count
from tests.setup.test_imports import (
    CONFIRM,
    RESIDENT_HEADERS,
    _counts,
    _refused_upload,
    _rows,
    _upload,
    csv_file,
    xlsx,
)


def _url(cast) -> str:
    return reverse("register:residents_import", args=[cast.association.slug])


def _free_units(cast, n: int, first: int = 10) -> list[Unit]:
    return Unit.objects.bulk_create(
        Unit(building=cast.building, number=str(first + i), kind="regular", rent=Decimal("600"))
        for i in range(n)
    )


def _start() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=300)


def resident_rows(n: int, *, first: int = 10, start: dt.date | None = None) -> list[list]:
    start = start or _start()
    groups = ["vrager", "drager", "regulier"]
    return [
        [
            f"Bewoner{i}",
            "Jansen",
            f"bewoner{i}@example.org",
            "06 1234 5678",
            str(first + i),
            start,
            "",
            "",
            groups[i % 3],
            "nl" if i % 2 else "en",
        ]
        for i in range(n)
    ]


def test_the_board_imports_30_residents_with_tenancy_and_group(cast, client_for):
    _free_units(cast, 30)
    client = client_for("board")
    before = _counts()
    preview, preview_url = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, resident_rows(30)))
    rows = _rows(preview)
    assert len(rows) == 30
    assert all(row.startswith("create:") for row in rows.values())
    assert "Nieuw: bewoner in Kapelgebouw 10 vanaf" in rows[2]
    assert CONFIRM in preview.content.decode()
    assert _counts() == before

    response = client.post(preview_url, {"confirm": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("register:register", args=[cast.association.slug])
    member = Member.objects.get(email="bewoner1@example.org")
    assert (member.name, member.phone, member.language, member.joined_on) == (
        "Bewoner1 Jansen",
        "06 1234 5678",
        "nl",
        _start(),
    )
    assert Member.objects.get(email="bewoner0@example.org").language == "en"
    tenancy = Tenancy.objects.get(member=member)
    assert (tenancy.unit.number, tenancy.kind, tenancy.starts_on, tenancy.ends_on) == (
        "11",
        "regular",
        _start(),
        None,
    )
    groups = dict(
        MixGroupPeriod.objects.filter(member__email__startswith="bewoner").values_list(
            "member__email", "group"
        )
    )
    assert (groups["bewoner0@example.org"], groups["bewoner1@example.org"]) == ("vrager", "drager")
    assert groups["bewoner2@example.org"] == "regular"
    assert AuditEntry.objects.filter(action="member.registered").count() == 30
    assert AuditEntry.objects.filter(action="tenancy.started").count() == 30
    summary = AuditEntry.objects.get(action="residents.imported")
    assert summary.data == {"rows": 30, "created": 30, "changed": 0, "unchanged": 0}
    assert summary.actor == cast.board
    assert mail.outbox == []  # the board invites them afterwards, from the register


def test_a_second_import_changes_nothing_and_an_end_date_is_a_change(cast, client_for):
    _free_units(cast, 3)
    client = client_for("board")
    rows = resident_rows(3)
    _preview, preview_url = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, rows))
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    after_first = _counts()

    preview, _url_again = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, rows))
    assert all(row.startswith("unchanged:") for row in _rows(preview).values())
    assert CONFIRM not in preview.content.decode()
    assert _counts() == after_first

    end = timezone.localdate() + dt.timedelta(days=60)
    rows[1][6] = end.strftime("%d-%m-%Y")  # notice given: the tenancy ends
    preview, preview_url = _upload(client, _url(cast), csv_file(RESIDENT_HEADERS, rows))
    shown = _rows(preview)
    assert shown[3].startswith("change:") and "Wijzigen: de huur eindigt op" in shown[3]
    assert shown[2].startswith("unchanged:") and shown[4].startswith("unchanged:")
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    assert Tenancy.objects.get(member__email="bewoner1@example.org").ends_on == end
    assert AuditEntry.objects.filter(action="tenancy.ended").count() == 1
    assert AuditEntry.objects.filter(action="residents.imported").count() == 2


def test_every_wrong_row_is_shown_with_its_column_and_nothing_is_written(cast, client_for):
    _free_units(cast, 8)
    client = client_for("board")
    rows = resident_rows(8)
    rows[0][4] = "99"  # no such unit
    rows[1][8] = "koning"  # no group
    rows[2][5] = "31-02-2025"  # no date
    rows[3][2] = rows[4][2]  # the same e-mail address as the row below: the service refuses
    rows[5][4] = rows[6][4]  # the same unit twice in the file
    rows[7][4] = "3"  # let to the board member
    before = _counts()
    preview, preview_url = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, rows))
    shown = {n: " ".join(text.split()) for n, text in _rows(preview).items()}
    assert "Kolom Woning: De vereniging heeft geen woning met dit nummer." in shown[2]
    assert "Kolom Groep: Schrijf vrager, drager of regulier." in shown[3]
    assert "Kolom Huur vanaf: Schrijf een datum zoals 29-06-2025." in shown[4]
    assert shown[5].startswith("create:")
    assert "Kolom E-mail: Er is al een lid met dit e-mailadres in deze vereniging." in shown[6]
    assert shown[7].startswith("create:")
    assert "Kolom Woning: Deze woning staat ook in rij 7 van het bestand." in shown[8]
    assert "Kolom Woning: Deze woning heeft op die datum al een huurovereenkomst." in shown[9]
    assert CONFIRM not in preview.content.decode()
    response = client.post(preview_url, {"confirm": ""})
    assert response.status_code == 400
    assert _counts() == before


def test_one_bad_row_among_500_residents_writes_nothing(cast, client_for):
    """A file as large as one import takes (IMPORT_MAX_ROWS)."""
    _free_units(cast, 500)
    client = client_for("board")
    rows = resident_rows(500)
    rows[211][8] = ""  # row 213: no group
    before = _counts()
    preview, preview_url = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, rows))
    shown = _rows(preview)
    assert len(shown) == 500
    assert [n for n, row in shown.items() if row.startswith("error:")] == [213]
    assert "Kolom Groep" in shown[213]
    assert client.post(preview_url, {"confirm": ""}).status_code == 400
    assert _counts() == before


def test_english_headers_with_one_name_column_in_csv(cast, client_for):
    _free_units(cast, 2)
    client = client_for("board")
    headers = ["Name", "Email", "Unit", "Tenancy start", "Group", "Language"]
    rows = [
        ["Ada Lovelace", "ada@example.org", "10", "01-03-2025", "drager", "English"],
        ["Bo Bakker", "", "Kapelgebouw 11", "2025-03-01", "Regular tenant", ""],
    ]
    preview, preview_url = _upload(client, _url(cast), csv_file(headers, rows, delimiter=","))
    assert [row.split(":")[0] for row in _rows(preview).values()] == ["create", "create"]
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    ada = Member.objects.get(name="Ada Lovelace")
    assert (ada.language, ada.email) == ("en", "ada@example.org")
    bo = Tenancy.objects.get(member__name="Bo Bakker")
    assert (bo.unit.number, bo.starts_on, bo.member.language) == ("11", dt.date(2025, 3, 1), "nl")


def test_a_missing_name_column_is_named(cast, client_for):
    upload = csv_file(["Achternaam", "Woning", "Huur vanaf", "Groep"], [["X", "2", "", "drager"]])
    text = _refused_upload(client_for("board"), _url(cast), upload)
    assert "De kolom 'Voornaam' ontbreekt." in text


def test_an_omklap_home_gets_an_omklap_tenancy_when_the_kind_is_empty(cast, client_for):
    client = client_for("board")
    rows = [["Olle", "Omklap", "", "", "2", _start(), "", "", "vrager", ""]]
    _preview, preview_url = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, rows))
    assert client.post(preview_url, {"confirm": ""}).status_code == 302
    assert Tenancy.objects.get(member__name="Olle Omklap").kind == "omklap"


def test_the_register_links_the_import_and_its_template(cast, client_for):
    text = (
        client_for("board")
        .get(reverse("register:register", args=[cast.association.slug]))
        .content.decode()
    )
    assert _url(cast) in text
    assert reverse("register:residents_import_template", args=[cast.association.slug]) in text


def test_the_template_s_example_row_imports(cast, client_for):
    client = client_for("board")
    response = client.get(
        reverse("register:residents_import_template", args=[cast.association.slug])
    )
    assert response.status_code == 200
    assert "bewoners.xlsx" in response["Content-Disposition"]
    # The example names unit 12 of the building De Kapel.
    building = Building.objects.create(
        association=cast.association,
        name="De Kapel",
        street_address="Kapelstraat 1",
        postal_code="1234 AB",
        city="Utrecht",
    )
    Unit.objects.create(building=building, number="12", kind="regular", rent=Decimal("650"))
    preview, _url_preview = _upload(
        client, _url(cast), SimpleUploadedFile("bewoners.xlsx", response.content)
    )
    assert next(iter(_rows(preview).values())).startswith("create:")


def test_a_preview_of_another_session_or_import_is_not_shown(cast, client_for):
    _free_units(cast, 1)
    client = client_for("board")
    _preview, preview_url = _upload(client, _url(cast), xlsx(RESIDENT_HEADERS, resident_rows(1)))
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    # The same key on the units import of the corporation, or in another session: expired.
    staff = client_for("corporation_staff")
    units_preview = reverse(
        "setup:units_import_preview", args=[cast.corporation.slug, cast.association.slug, token]
    )
    response = staff.get(units_preview)
    assert response.status_code == 302
    assert response["Location"].endswith("/units/import/")


@override_settings(IMPORT_MAX_ROWS=500)
def test_the_residents_preview_needs_the_same_queries_for_10_and_500_rows(cast, client_for):
    """The preview page reads the rows checked at the upload from the session: the session,
    the user and the viewer's cache entry (the board's association comes with the viewer),
    whatever the number of rows."""
    _free_units(cast, 500)
    client = client_for("board")
    url = {}

    def grow_to(n: int) -> None:
        response = client.post(_url(cast), {"file": xlsx(RESIDENT_HEADERS, resident_rows(n))})
        url["preview"] = response["Location"]

    assert_flat_query_count(lambda: client.get(url["preview"]), grow_to, queries=3)
