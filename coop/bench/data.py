"""The bench scale's constants and the state its steps pass along (QUALITY.md, performance 4)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone

from coop.demo.logins import DEMO_DOMAIN, DemoLogin, demo_email
from coop.models import Association, Building, Organisation, Unit, User
from members.models import Member

BENCH_CORPORATION = ("bench-regio", "Woonstichting Regio Bench")
BENCH_DOMAIN = f"bench.{DEMO_DOMAIN}"
# QUALITY.md, performance 4: one corporation of 20 associations.
BENCH_ASSOCIATIONS = 20
BENCH_BUILDINGS_PER_ASSOCIATION = 3
BENCH_UNITS_PER_BUILDING = 50
BENCH_BATCH = 500
# The two accounts ``manage.py bench`` logs in with: a member of the first bench association
# (on its selection committee) and the bench corporation's staff, both with a second factor,
# as the platform demands of these roles.
BENCH_MEMBER_LOGIN = DemoLogin(
    "bench member", demo_email("bench-lid"), "Bart", "Bench", second_factor=True
)
BENCH_STAFF_LOGIN = DemoLogin(
    "bench corporation staff",
    demo_email("bench-corporatie"),
    "Coby",
    "Bench",
    second_factor=True,
)

# The care organisation of the bench omklap contracts and its care worker, who guides them all.
BENCH_CARE = ("bench-zorg", "Zorgstichting Bench")
BENCH_CARE_LOGIN = DemoLogin(
    "bench care worker",
    demo_email("bench-zorg"),
    "Zara",
    "Bench",
    second_factor=True,
)
BENCH_OMKLAP_CONTRACTS = 200

BENCH_PLACES = (
    ("De Linde", "Utrecht"),
    ("Het Anker", "Zwolle"),
    ("De Wilgenhoek", "Amersfoort"),
    ("Het Baken", "Deventer"),
    ("De Kastanje", "Arnhem"),
    ("Het Vlot", "Nijmegen"),
    ("De Boomgaard", "Zeist"),
    ("Het Hofje", "Apeldoorn"),
    ("De Bron", "Ede"),
    ("Het Kompas", "Houten"),
    ("De Steiger", "Nieuwegein"),
    ("Het Veld", "Hilversum"),
    ("De Molen", "Enschede"),
    ("Het Dijkhuis", "Kampen"),
    ("De Haven", "Harderwijk"),
    ("Het Erfgoed", "Doetinchem"),
    ("De Vlinder", "Veenendaal"),
    ("Het Plein", "Woerden"),
    ("De Brug", "IJsselstein"),
    ("Het Gilde", "Culemborg"),
)
FIRST_NAMES = (
    "Anna",
    "Bram",
    "Daan",
    "Emma",
    "Eva",
    "Fleur",
    "Fatima",
    "Gijs",
    "Hanna",
    "Hugo",
    "Iris",
    "Jesse",
    "Joost",
    "Julia",
    "Lars",
    "Lieke",
    "Lisa",
    "Luuk",
    "Maud",
    "Milan",
    "Mila",
    "Noah",
    "Noor",
    "Olaf",
    "Pien",
    "Quinten",
    "Rosa",
    "Ruben",
    "Saskia",
    "Sem",
    "Sophie",
    "Tess",
    "Tim",
    "Vera",
    "Wouter",
    "Yara",
    "Zeynep",
    "Ahmed",
    "Ilse",
    "Karin",
    "Marco",
    "Nadia",
    "Rik",
    "Sevda",
    "Tom",
    "Wendy",
)
LAST_NAMES = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "Hoekstra",
    "Koster",
    "Prins",
    "Huisman",
    "Kaya",
    "Yilmaz",
    "El Idrissi",
    "Martina",
    "Wolters",
)
BENCH_STREETS = ("Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg")


@dataclass
class BenchData:
    """What the bench steps have made so far; later steps read what earlier ones wrote."""

    today: dt.date
    rng: random.Random
    association_count: int
    password: str
    corporation: Organisation | None = None
    associations: list[Association] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    # 0: the bench corporation the bench measures; 1 to 9: the copies that make ten times the
    # scale around it (same shape, their own slugs and addresses, nobody logs in to them).
    copy: int = 0
    staff: User | None = None

    def slug(self, base: str) -> str:
        return base if self.copy == 0 else f"{base}-{self.copy + 1}"

    def login(self, login: DemoLogin) -> DemoLogin:
        """A bench login as this copy has it (its own address)."""
        if self.copy == 0:
            return login
        local = login.email.removesuffix(f"@{DEMO_DOMAIN}")
        return DemoLogin(
            login.role,
            demo_email(self.local(local)),
            login.first_name,
            login.last_name,
            second_factor=login.second_factor,
        )

    def local(self, base: str) -> str:
        """The local part of an e-mail address in this copy."""
        return base if self.copy == 0 else f"{base}-{self.copy + 1}"


def insert_rows(model: type[models.Model], rows: Iterable[dict], *, batch: int = 2_000) -> int:
    """INSERT rows given as ``{attname: value}`` (other fields take their defaults) without
    making model instances: for the largest bench tables, whose rows nothing reads back, where
    building 100,000 instances costs more than writing them. Returns the number of rows."""
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    quote = connection.ops.quote_name
    # Table and column names come from the model, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )

    def value(f: models.Field, row: dict):
        if f.attname in row:
            raw = row[f.attname]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            raw = timezone.now()
        else:
            raw = f.get_default()
        return f.get_db_prep_save(raw, connection)

    count = 0
    with connection.cursor() as cursor:
        for chunk in itertools.batched(rows, batch):
            cursor.executemany(sql, [[value(f, row) for f in fields] for row in chunk])
            count += len(chunk)
    return count
