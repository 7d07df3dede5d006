"""Results as JSON (everything) and Markdown (the tables people read), from one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["markdown", "write"]


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _machine(facts: dict[str, Any]) -> list[str]:
    versions = ", ".join(f"{k} {v}" for k, v in facts["versions"].items() if v)
    before = ", ".join(map(str, facts["load_average_before"]))
    after = ", ".join(map(str, facts.get("load_average_after") or []))
    dirty = " (uncommitted changes in the tree)" if facts["git_dirty"] else ""
    if facts.get("dirty_code"):
        dirty += f"; uncommitted code under test: {', '.join(facts['dirty_code'])}"
    return [
        f"- Machine: {facts['cores']} cores ({facts['cpu_model']}), {facts['memory_gib']} GiB,"
        f" {facts['platform']}",
        f"- Load average (1/5/15 min) before the run: {before}; after: {after}."
        " Other work on the machine makes the numbers noisy; ratios from one run are the figures"
        " to compare.",
        f"- Python {facts['python']}, SQLite {facts['sqlite']}, Node {facts['node']}; {versions}",
        f"- Commit {facts['git_commit']}{dirty}, started {facts['started_at']}, mode"
        f" {facts['mode']}, took {_num(facts.get('seconds'), 0)} s",
    ]


def _http(http: dict[str, Any]) -> list[str]:
    lines = [
        "## Emulator vs Prism (HTTP, same spec, same cores)",
        "",
        f"Server pinned to core 0, load generator ({http['generator']}, closed loop,"
        f" {http['connections']} connections) on core 1; {http['seconds_per_scenario']} s per"
        f" request type after a {http['warmup_seconds']} s warm-up. Emulator:"
        f" `chargeover-emulator serve`, {http['seeded_customers']} seeded customers, rate limit"
        " off. Prism: `prism mock` (answers from the spec's examples, stateless). Requests are"
        " those of benchmarks/emulator_load.py.",
        "",
        _row("Request", "Emulator req/s", "median ms", "p99 ms", "bytes")
        + " Prism req/s | median ms | p99 ms | bytes | Emulator / Prism |",
        "|---|" + "---:|" * 9,
    ]
    prism = http.get("prism") or {}
    ratios = http.get("ratios") or {}
    for key, scenario in http["scenarios"].items():
        e, p = http["emulator"][key], prism.get(key, {})
        e_errors = f" ({e['errors']} errors)" if e.get("errors") else ""
        p_errors = f" ({p['errors']} errors)" if p.get("errors") else ""
        request = f"{scenario['label']}: `{scenario['method']} {scenario['path']}`"
        lines.append(
            _row(
                request,
                _num(e["rps"]) + e_errors,
                _num(e["median_ms"]),
                _num(e["p99_ms"]),
                _num(e["bytes_per_response"]),
                _num(p.get("rps")) + p_errors,
                _num(p.get("median_ms")),
                _num(p.get("p99_ms")),
                _num(p.get("bytes_per_response")),
                f"**{_num(ratios[key], 2)}x**" if ratios.get(key) else "n/a (errors)",
            )
        )
    if http.get("prism_missing"):
        lines += ["", f"Prism not measured: {http['prism_missing']}"]
    item_ratios = http.get("item_ratios") or {}
    if item_ratios:
        per_record = ", ".join(
            f"{http['scenarios'][key]['label']}"
            f" {http['emulator'][key]['items_per_response']} vs"
            f" {prism[key]['items_per_response']} records per response,"
            f" **{_num(ratio, 2)}x** records/s"
            for key, ratio in item_ratios.items()
            if http["emulator"][key]["items_per_response"] != prism[key]["items_per_response"]
        )
        if per_record:
            lines += ["", f"Per record (emulator / Prism): {per_record}."]
    lines += _same_bytes(http)
    lines += _anchors(http)
    emulator_rss = (http.get("emulator_peak_rss_kib") or 0) / 1024
    prism_rss = (http.get("prism_peak_rss_kib") or 0) / 1024
    lines += [
        "",
        f"Peak RSS after the load: emulator {_num(emulator_rss)} MiB, Prism {_num(prism_rss)} MiB."
        " Prism's list responses hold its one example item; the emulator's hold real pages"
        " (compare the bytes).",
    ]
    return lines


def _anchors(http: dict[str, Any]) -> list[str]:
    """Emulator against every anchor of the same run: Prism, Steady and the ceiling."""
    if "ceiling" not in http:
        return []
    steady = http.get("steady") or {}
    prism_ratios = http.get("ratios") or {}
    steady_ratios = http.get("steady_ratios") or {}
    ceiling_ratios = http.get("ceiling_ratios") or {}
    lines = [
        "",
        "All anchors, one run: Steady (`steady`, mock from the spec's examples, stateless) and"
        " the ceiling (`benchmarks/ceiling.py`: uvicorn + Starlette, as the emulator is served,"
        " answering every request with the bytes the emulator sent for it, doing no work). The"
        " last column is the share of its own stack's capacity the emulator keeps.",
        "",
        _row("Request", "Emulator req/s", "Steady req/s", "bytes", "Ceiling req/s")
        + " Emulator / Prism | Emulator / Steady | Emulator / ceiling |",
        "|---|" + "---:|" * 7,
    ]

    def ratio(ratios: dict[str, Any], key: str) -> str:
        return f"**{_num(ratios[key], 2)}x**" if ratios.get(key) else "n/a"

    for key, scenario in http["scenarios"].items():
        s, c = steady.get(key, {}), http["ceiling"][key]
        lines.append(
            _row(
                f"{scenario['label']}: `{scenario['method']} {scenario['path']}`",
                _num(http["emulator"][key]["rps"]),
                _num(s.get("rps")) + (f" ({s['errors']} errors)" if s.get("errors") else ""),
                _num(s.get("bytes_per_response")),
                _num(c["rps"]) + (f" ({c['errors']} errors)" if c.get("errors") else ""),
                ratio(prism_ratios, key),
                ratio(steady_ratios, key),
                ratio(ceiling_ratios, key),
            )
        )
    if http.get("steady_missing"):
        lines += ["", f"Steady not measured: {http['steady_missing']}"]
    return lines


def _same_bytes(http: dict[str, Any]) -> list[str]:
    """List-type requests against a Prism that sends the emulator's own response bodies."""
    same = http.get("prism_same_bytes")
    if not same:
        return []
    ratios = http.get("same_bytes_ratios") or {}
    lines = [
        "",
        "Same bytes: Prism again, on a copy of the spec whose list example is the emulator's own"
        " response to each list-type request (chosen with `Prefer: example=...`), so both send"
        " the same body and the ratio compares serving rather than size.",
        "",
        _row("Request", "Emulator req/s", "median ms", "p99 ms", "body bytes")
        + " Prism req/s | median ms | p99 ms | body bytes | Emulator / Prism |",
        "|---|" + "---:|" * 9,
    ]
    for key, p in same.items():
        e, scenario = http["emulator"][key], http["scenarios"][key]
        lines.append(
            _row(
                f"{scenario['label']}: `{scenario['method']} {scenario['path']}`",
                _num(e["rps"]),
                _num(e["median_ms"]),
                _num(e["p99_ms"]),
                _num(e.get("body_bytes")),
                _num(p["rps"]) + (f" ({p['errors']} errors)" if p.get("errors") else ""),
                _num(p["median_ms"]),
                _num(p["p99_ms"]),
                _num(p.get("body_bytes")),
                f"**{_num(ratios[key], 2)}x**" if ratios.get(key) else "n/a",
            )
        )
    return lines


def _vendors(section: dict[str, Any]) -> list[str]:
    """Invoiced's and Fynn's emulators against their anchors: one table per vendor."""
    lines = [
        "## Invoiced and Fynn emulators vs Prism, Steady and the ceiling",
        "",
        f"As the ChargeOver section: server on core 0, {section['generator']} with"
        f" {section['connections']} connections on core 1, {section['seconds_per_scenario']} s"
        f" per request type after a {section['warmup_seconds']} s warm-up. Each emulator is"
        " `contract-kit serve --vendor V` with its own auth and API root; Prism and Steady mock"
        " the vendor's spec; the ceiling replays the emulator's own bytes. Get by id cycles"
        " through every seventh seeded customer; list asks for the spec's largest page; create"
        " sends the spec's request example (Fynn's login email numbered per request, as it must"
        " be unique).",
    ]
    for vendor in section["vendors"].values():
        lines += ["", *_vendor(vendor)]
    return lines


def _vendor(v: dict[str, Any]) -> list[str]:
    prism, steady, ceiling = v.get("prism") or {}, v.get("steady") or {}, v["ceiling"]
    lines = [
        f"### {v['title']}",
        "",
        f"`{v['command']}` ({_num(v['customers'])} customers listed after seeding, get by id"
        f" cycles through {v['ids_cycled']} of them); mocks serve `{v['spec']}`.",
        "",
        _row("Request", "Emulator req/s", "median ms", "p99 ms", "bytes", "Prism req/s")
        + " Emulator / Prism | Steady req/s | Emulator / Steady | Ceiling req/s |"
        " Emulator / ceiling |",
        "|---|" + "---:|" * 10,
    ]

    def rps(result: dict[str, Any]) -> str:
        errors = f" ({result['errors']} errors)" if result.get("errors") else ""
        return _num(result.get("rps")) + errors

    def ratio(name: str, key: str) -> str:
        value = (v.get(name) or {}).get(key)
        return f"**{_num(value, 2)}x**" if value else "n/a"

    for key, scenario in v["scenarios"].items():
        e = v["emulator"][key]
        lines.append(
            _row(
                f"{scenario['label']}: `{scenario['method']} {scenario['path']}`",
                rps(e),
                _num(e["median_ms"]),
                _num(e["p99_ms"]),
                _num(e["bytes_per_response"]),
                rps(prism.get(key, {})),
                ratio("prism_ratios", key),
                rps(steady.get(key, {})),
                ratio("steady_ratios", key),
                rps(ceiling[key]),
                ratio("ceiling_ratios", key),
            )
        )
    lines += [
        "",
        "What each server sends per response (bytes with headers; records in a list page): "
        + "; ".join(
            f"{name} {_served(v['scenarios'], results)}"
            for name, results in (("emulator", v["emulator"]), ("Prism", prism), ("Steady", steady))
            if results
        )
        + ".",
    ]
    rss = ", ".join(
        f"{label} {_num(v[key] / 1024)} MiB"
        for label, key in (
            ("emulator", "emulator_peak_rss_kib"),
            ("Prism", "prism_peak_rss_kib"),
            ("Steady", "steady_peak_rss_kib"),
        )
        if v.get(key)
    )
    if rss:
        lines += ["", f"Peak RSS after the load: {rss}."]
    for name in ("prism", "steady"):
        if v.get(f"{name}_missing"):
            lines += ["", f"{name.capitalize()} not measured: {v[f'{name}_missing']}"]
    failed = [
        f"{name} {v['scenarios'][key]['label']} ({_num(result['errors'])} of"
        f" {_num(result['requests'])} requests: {_errors(result)})"
        for name, results in (
            ("emulator", v["emulator"]),
            ("Prism", prism),
            ("Steady", steady),
            ("ceiling", ceiling),
        )
        for key, result in results.items()
        if result.get("errors")
    ]
    if failed:
        lines += ["", f"Errors (no ratio where a server failed): {', '.join(failed)}."]
    return lines


def _served(scenarios: dict[str, Any], results: dict[str, Any]) -> str:
    """`get by id 898 B, list per_page=100 900 B (1 record), ...`: one server's responses."""
    parts = []
    for key, scenario in scenarios.items():
        result = results.get(key) or {}
        part = f"{scenario['label']} {_num(result.get('bytes_per_response'))} B"
        items = result.get("items_per_response")
        if key.startswith("list") and items is not None:
            part += f" ({_num(items)} record{'' if items == 1 else 's'})"
        parts.append(part)
    return ", ".join(parts)


def _errors(result: dict[str, Any]) -> str:
    detail = result.get("error_detail") or {}
    return ", ".join(f"{k.removeprefix('errors_')} {_num(n)}" for k, n in detail.items()) or "-"


def _decode(decode: dict[str, Any]) -> list[str]:
    lines = [
        f"## Client decode (one {decode['page_items']}-customer page)",
        "",
        f"{decode['rounds']} interleaved rounds; ratios are medians of per-round ratios.",
    ]
    for page in decode["pages"].values():
        lines += [
            "",
            f"{page['label']}, {_num(page['bytes'])} bytes:",
            "",
            _row("Decoder", "median ms", "p99 ms", "x json.loads", "x msgspec", "x msgspec typed"),
            "|---|" + "---:|" * 5,
        ]
        for timing in page["decoders"].values():
            lines.append(
                _row(
                    timing["label"],
                    _num(timing["median_ms"], 2),
                    _num(timing["p99_ms"], 2),
                    _num(timing["x_json_loads"], 2),
                    _num(timing["x_msgspec"], 2),
                    _num(timing["x_msgspec_typed"], 2),
                )
            )
    return lines


def _contracts(contracts: dict[str, Any]) -> list[str]:
    profile = contracts["profile"]
    lines = [
        "## Contract suite speed",
        "",
        f"{contracts['harness']}: phases {', '.join(contracts['phases'])}; profile"
        f" `{profile['name']}` ({profile['max_examples']} fuzzed examples per operation,"
        f" {profile['stateful_examples']} stateful scenarios), seed {contracts['seed']}."
        " Over HTTP the emulator has core 0 to itself; in-process it shares the harness's core.",
        "",
        _row("Target", "operations", "examples", "seconds", "examples/s", "failed checks"),
        "|---|" + "---:|" * 5,
    ]
    targets = (("in_process", "emulator in-process (ASGI)"), ("over_http", "emulator over HTTP"))
    for key, label in targets:
        c = contracts[key]
        lines.append(
            _row(
                label,
                c["operations"],
                _num(c["examples"]),
                _num(c["seconds"], 2),
                _num(c["examples_per_second"]),
                c["failed_checks"],
            )
        )
    return lines


def _scale(scale: dict[str, Any]) -> list[str]:
    sizes = [str(size) for size in scale["sizes"]]
    by_size = scale["by_size"]
    first, last = f"{int(sizes[0]):,}", f"{int(sizes[-1]):,}"
    lines = [
        "## Scale (one client, one request at a time)",
        "",
        _row("Query", *(f"{int(s):,} customers: median / p99 ms" for s in sizes))
        + f" growth {first} -> {last} |",
        "|---|" + "---:|" * (len(sizes) + 1),
    ]
    for key, label in scale["queries"].items():
        cells = [
            f"{_num(by_size[s]['latency'][key]['median_ms'])}"
            f" / {_num(by_size[s]['latency'][key]['p99_ms'])}"
            for s in sizes
        ]
        lines.append(_row(label, *cells, f"{_num(scale['growth']['median_ratio'][key], 2)}x"))
    lines += [
        "",
        f"The table grows {_num(scale['growth']['table_ratio'], 0)}x: a query bound by its page"
        " stays near 1x, one bound by the table grows with it.",
        "",
        _row(
            "Customers",
            "seeding s",
            "customers/s",
            "rows customer / user / invoice",
            "DB MiB",
            "server peak RSS MiB",
            "seeding workaround",
        ),
        "|---:|---:|---:|---|---:|---:|---|",
    ]
    for s in sizes:
        seeding, rows = by_size[s]["seeding"], by_size[s]["seeding"]["rows"]
        workaround = "username index added" if seeding["workaround_username_index"] else "none"
        lines.append(
            _row(
                f"{int(s):,}",
                _num(seeding["seconds"]),
                _num(seeding["customers_per_second"]),
                f"{rows['customer']:,} / {rows['user']:,} / {rows['invoice']:,}",
                _num(seeding["db_mib"]),
                _num(by_size[s]["server_peak_rss_mib"]),
                workaround,
            )
        )
    pagination = by_size[sizes[-1]].get("pagination")
    if pagination:
        lines += ["", *_pagination(pagination)]
    return lines


_WALKS = {
    "default": "`paginate(...)` (keyset, one page ahead, attrs models)",
    "lazy": "`paginate(..., prefetch=False)` (each request when its page is needed)",
    "structs": "`paginate(..., structs=True)` (msgspec Structs, one page ahead)",
}


def _pagination(pagination: dict[str, Any]) -> list[str]:
    """The full walk per mode: medians of alternating rounds, and each walk's peak RSS."""
    lines = [
        f"Full pagination of {pagination['records']:,} customers through"
        f" `chargeover_client.lib.paginate` ({pagination['pages']} pages of 500), each walk in"
        f" its own process, {pagination['rounds']} alternating rounds:",
        "",
        "| Walk | records/s, median | each round | s, median | peak RSS MiB: first page only"
        " / stopped early / whole walk |",
        "|---|---:|---|---:|---:|",
    ]
    for mode, label in _WALKS.items():
        walk = pagination.get(mode)
        if walk is None:
            continue
        lines.append(
            _row(
                label,
                f"**{_num(walk['median_records_per_second'], 0)}**",
                ", ".join(_num(rate, 0) for rate in walk["records_per_second"]),
                _num(walk["median_seconds"]),
                " / ".join(
                    [
                        _num(walk["first_page_peak_rss_mib"]),
                        *(
                            f"{_num(peak)} ({int(records):,} records)"
                            for records, peak in walk.get("early_peak_rss_mib", {}).items()
                        ),
                        _num(walk["peak_rss_mib"]),
                    ]
                ),
            )
        )
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The Markdown report: machine facts first, then one table per section."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `nox -s bench` (`python -m benchmarks`). Benchmarks, not tests: nothing"
        " asserts a timing.",
        "",
        *_machine(results["machine"]),
    ]
    renderers = (
        ("http", _http),
        ("vendors", _vendors),
        ("decode", _decode),
        ("contracts", _contracts),
        ("scale", _scale),
    )
    for key, render in renderers:
        section = results.get(key)
        if section is None:
            continue
        lines.append("")
        if "error" in section:
            lines += [f"## {key}", "", f"Failed: `{section['error']}`"]
        else:
            lines += render(section)
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], directory: Path, stem: str) -> tuple[Path, Path]:
    """Write `<stem>.json` and `<stem>.md` under directory."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path
