"""Invoiced's and Fynn's emulators vs Prism, Steady and the ceiling, on each vendor's own spec.

Each emulator is served as users start it, `contract-kit serve --vendor V`, seeded with
SEED_CUSTOMERS customers (Fynn's seeding adds children to some of them), rate limit off, pinned
to SERVER_CORE, and authenticated as its docs say: Invoiced's API key as the Basic username with
an empty password, Fynn's as a Bearer token (the emulators' default keys). Both serve their
paths at the root. The request types come from the vendor's spec: get a customer by id (the
ids of the seeded customers, every seventh, as ChargeOver's scenarios cycle), list customers
at the largest page the spec allows, and create a customer from the spec's request example.

The runs themselves are `benchmarks/http_load.py`'s (`drive`, `anchors`, `ratios`), so every
number here means what it means in ChargeOver's section.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.http_load import (
    CONNECTIONS,
    ID_STRIDE,
    SEED_CUSTOMERS,
    anchors,
    capture_answers,
    drive,
    emulator_command,
    fetch,
    ratios,
    scenario_table,
    serve_options,
)
from benchmarks.loadgen import generator_name
from benchmarks.processes import Server, free_port
from benchmarks.profiles import NUMBERED, Profile, Scenario
from chargeover_emulator.dialects.invoiced import DEFAULT_API_KEY as INVOICED_KEY
from chargeover_emulator.fynn.options import FULL_KEY as FYNN_KEY
from chargeover_emulator.specdoc import Operation, SpecDocument

__all__ = ["VENDORS", "Vendor", "run", "run_vendor", "seeded_ids"]

ROOT = Path(__file__).resolve().parent.parent


def _bare_list(payload: Any) -> list[Any] | None:
    return payload if isinstance(payload, list) else None


def _data_list(payload: Any) -> list[Any] | None:
    found = payload.get("data") if isinstance(payload, dict) else None
    return found if isinstance(found, list) else None


@dataclasses.dataclass(frozen=True)
class Vendor:
    """One vendor's emulator as the bench serves and addresses it; requests from its spec."""

    name: str
    title: str
    spec: Path
    auth: Mapping[str, str]
    #: the list operation's page-size query parameter (its maximum comes from the spec)
    page_size: str
    records: Callable[[Any], list[Any] | None]
    #: create-body fields the API keeps unique per account: numbered per request
    unique_fields: tuple[str, ...] = ()

    @property
    def _spec(self) -> SpecDocument:
        """The spec as the emulator reads it (parsed once per process)."""
        return SpecDocument.load(self.spec)

    def _operation(self, kind: str) -> Operation:
        """The customer operation the spec annotates as `kind` (get, list, create)."""
        return self._spec.resources["customer"].operations[kind]

    @property
    def max_page(self) -> int:
        """The largest page the spec allows (`maximum` of the page-size parameter)."""
        for parameter in self._operation("list").parameters:
            if parameter.get("name") == self.page_size:
                return int(parameter["schema"]["maximum"])
        raise LookupError(f"{self.spec}: the list operation has no {self.page_size!r}")

    def list_query(self, size: int | None = None, page: int | None = None) -> str:
        """The list path with a page size (the spec's largest by default) and a page."""
        size = self.max_page if size is None else size
        query = f"{self._operation('list').path}?{self.page_size}={size}"
        return query + ("" if page is None else f"&page={page}")

    def create_body(self) -> dict[str, Any]:
        """The create operation's first request example, its unique fields numbered."""
        create = self._operation("create")
        declared = self._spec.document["paths"][create.path][create.method.lower()]
        content = self._spec.resolve(declared["requestBody"])["content"]["application/json"]
        example = self._spec.resolve(next(iter(content["examples"].values())))
        body = dict(example["value"])
        for field in self.unique_fields:
            local, at, domain = str(body[field]).partition("@")
            # an email stays an email: the number goes into its local part
            body[field] = f"{local}.{NUMBERED}{at}{domain}"
        return body

    def profile(self, ids: Sequence[str]) -> Profile:
        """The request types for an emulator holding these customers (ids in list order)."""
        get_path = self._operation("get").path
        by_id = tuple(re.sub(r"\{[^}]+\}", str(key), get_path) for key in ids[::ID_STRIDE])
        size = self.max_page
        return Profile(
            vendor=self.name,
            api_root="",
            auth=self.auth,
            scenarios=(
                Scenario("get_by_id", "get by id", "GET", by_id),
                Scenario(
                    f"list_{self.page_size}_{size}",
                    f"list {self.page_size}={size}",
                    "GET",
                    (self.list_query(),),
                ),
                # last: it grows the table the others read
                Scenario(
                    "create_customer",
                    "create",
                    "POST",
                    (self._operation("create").path,),
                    self.create_body(),
                ),
            ),
            ready_path=self.list_query(size=1),
            records=self.records,
        )

    def command(self, port: int, db: Path) -> list[str]:
        """`contract-kit serve --vendor NAME` with the bench's seeding and rate limit off."""
        kit = emulator_command("contract-kit")
        return [kit, "serve", "--vendor", self.name, *serve_options(port, db)]


def _basic_key(key: str) -> dict[str, str]:
    """Invoiced's scheme: the API key as the Basic username, the password empty (`curl -u KEY:`)."""
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


VENDORS = (
    Vendor(
        name="invoiced",
        title="Invoiced",
        spec=ROOT / "spec" / "invoiced" / "openapi.yaml",
        auth=_basic_key(INVOICED_KEY),
        page_size="per_page",
        records=_bare_list,
    ),
    Vendor(
        name="fynn",
        title="Fynn",
        spec=ROOT / "spec" / "fynn" / "openapi.yaml",
        auth={"Authorization": f"Bearer {FYNN_KEY}"},
        page_size="limit",
        records=_data_list,
        # the login email is unique per tenant (422 on a second create with it)
        unique_fields=("email",),
    ),
)


def seeded_ids(port: int, vendor: Vendor) -> list[str]:
    """Every customer id the emulator on `port` lists, page by page, in list order."""
    ids: list[str] = []
    page = 1
    while True:
        body = fetch(port, vendor.auth, vendor.list_query(page=page))
        records = vendor.records(json.loads(body)) or []
        if not records:
            return ids
        ids += [str(record["id"]) for record in records]
        page += 1


def run_vendor(
    vendor: Vendor,
    *,
    workdir: Path,
    npm_prefix: Path,
    seconds: float,
    warmup: float,
    generator: str,
) -> dict[str, Any]:
    """One vendor: its emulator, then the ceiling, Steady and Prism on its spec."""
    home = workdir / f"vendor-{vendor.name}"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    db = home / "emulator.sqlite3"
    for stale in home.glob("emulator.sqlite3*"):
        stale.unlink()
    command = vendor.command(port, db)
    emulator = Server(
        "emulator",
        command,
        port=port,
        ready_path=vendor.list_query(size=1),
        headers=vendor.auth,
        log=home / "emulator.log",
    )
    out: dict[str, Any] = {
        "title": vendor.title,
        "spec": str(vendor.spec.relative_to(ROOT)),
        "command": f"contract-kit serve --vendor {vendor.name} --seed 1 --seed-count"
        f" {SEED_CUSTOMERS} --rate-limit off",
        "seeded_customers": SEED_CUSTOMERS,
    }
    with emulator:
        ids = seeded_ids(emulator.port, vendor)
        profile = vendor.profile(ids)
        out["customers"] = len(ids)
        out["ids_cycled"] = len(profile.scenarios[0].paths)
        out["scenarios"] = scenario_table(profile)
        out["emulator"] = drive(emulator, profile, "", seconds, warmup, generator)
        out["emulator_startup_seconds"] = emulator.startup_seconds
        out["emulator_peak_rss_kib"] = emulator.peak_rss_kib()
        answers = capture_answers(emulator.port, profile, "")
    out.update(
        anchors(
            profile,
            out["emulator"],
            answers=answers,
            spec=vendor.spec,
            npm_prefix=npm_prefix,
            workdir=home,
            seconds=seconds,
            warmup=warmup,
            generator=generator,
        )
    )
    if out["prism"] is not None:
        out["prism_ratios"] = ratios(out["emulator"], out["prism"])
    return out


def run(
    *,
    workdir: Path,
    npm_prefix: Path,
    seconds: float,
    warmup: float,
    generator: str = "auto",
) -> dict[str, Any]:
    """Every vendor of VENDORS in turn, each with its own emulator and anchors."""
    return {
        "generator": generator_name(generator),
        "connections": CONNECTIONS,
        "seconds_per_scenario": seconds,
        "warmup_seconds": warmup,
        "vendors": {
            vendor.name: run_vendor(
                vendor,
                workdir=workdir,
                npm_prefix=npm_prefix,
                seconds=seconds,
                warmup=warmup,
                generator=generator,
            )
            for vendor in VENDORS
        },
    }
