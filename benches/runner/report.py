"""The one markdown table of a run: medians, min-max, ratios against each driver's reference and
the targets of issue 11 (ratios within one run, never absolute times)."""

from __future__ import annotations

import statistics
from collections.abc import Callable

# The reference of each claude-wire driver, and of the floors of the two host languages (a
# plain reader in the language itself: what any SDK there can at best approach).
REFERENCE = {
    "rust": "floor",
    "python": "official-py",
    "node": "official-ts",
    "py-floor": "official-py",
    "node-floor": "official-ts",
}
OURS = ("rust", "python", "node")
DRIVERS = (
    "floor",
    "py-floor",
    "node-floor",
    "rust",
    "python",
    "node",
    "official-py",
    "official-ts",
)

# scenario kind -> (figure key, label) in table order
MEASURES = {
    "flood": [("msgs_per_s", "msgs/s"), ("cpu_s", "CPU s"), ("peak_rss_mb", "peak RSS MB")],
    "permission": [("p50_us", "p50 µs"), ("p99_us", "p99 µs")],
    "hook": [("p50_us", "p50 µs"), ("p99_us", "p99 µs")],
    "bigline": [("peak_rss_mb", "peak RSS MB")],
    "import": [("import_ms", "ms")],
    "concurrent": [("seconds", "to last result s"), ("rss_per_session_kb", "host KB/session")],
    "realcli": [
        ("first_ms", "to 1st message ms"),
        ("result_ms", "to result ms"),
        ("end_ms", "to end (CLI exited) ms"),
    ],
}
LINE_MB = 50

Figures = dict[str, float]


def fmt(value: float) -> str:
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    return f"{value:.0f}" if size >= 100 else f"{value:.1f}" if size >= 10 else f"{value:.2f}"


def split(runs: list) -> tuple[list[Figures], list[str]]:
    good, bad = [], []
    for run in runs:
        if isinstance(run, str):
            bad.append(run)
        elif run.get("ok") is False or run.get("error"):
            bad.append(str(run.get("error") or "line cut short"))
        else:
            good.append(run)
    return good, bad


def median_of(runs: list[Figures], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def target(
    kind: str, key: str, driver: str, med: float, ref: float | None, get: Callable
) -> tuple[str, str]:
    """(target text, met) for a row of one of our drivers; ('', '') when there is none."""
    ratio = med / ref if ref else None

    def check(text: str, ok: bool | None) -> tuple[str, str]:
        return text, "" if ok is None else ("yes" if ok else "**no**")

    if kind == "flood" and key == "msgs_per_s":
        goal = {"rust": 1.0, "python": 4.0, "node": 2.5}[driver]
        return check(f"≥ {goal}x", ratio is not None and ratio >= goal)
    if kind in ("permission", "hook") and key == "p50_us":
        goal = {"rust": 1.3, "python": 1 / 3, "node": 0.5}[driver]
        return check(f"≤ {goal:.2g}x", ratio is not None and ratio <= goal)
    if kind in ("permission", "hook") and key == "p99_us":
        p50 = get(driver, "p50_us")
        return check(f"≤ 3x p50 (is {med / p50:.1f}x)", bool(p50) and med <= 3 * p50)
    if kind == "bigline":
        return check(f"≤ 2.5x line (is {med / LINE_MB:.1f}x)", med <= 2.5 * LINE_MB)
    if kind == "import":
        return check("≤ 50 ms", med <= 50) if driver != "rust" else ("", "")
    if kind == "concurrent" and key == "rss_per_session_kb":
        return check("≤ 300 KB", med <= 300)
    return "", ""


def paired_overhead(results: dict, name: str, driver: str, key: str) -> float | None:
    """Median over the repetitions of (driver - floor) in the same repetition: the runs of one
    repetition are seconds apart, so a slow minute of the machine cancels out."""
    pairs = zip(results.get((name, driver), []), results.get((name, "floor"), []), strict=False)
    diffs = [
        a[key] - b[key]
        for a, b in pairs
        if isinstance(a, dict) and isinstance(b, dict) and a.get(key) and b.get(key)
    ]
    return statistics.median(diffs) if diffs else None


def render(title: str, names: list[str], results: dict[tuple[str, str], list]) -> str:
    lines = [
        f"_{title}_",
        "",
        "| scenario | measure | driver | median | min-max | vs reference | target | met |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    misses: list[str] = []
    for name in names:
        kind = name.split(" ")[0]
        good = {d: split(results.get((name, d), []))[0] for d in DRIVERS}

        def get(driver: str, key: str, good: dict = good) -> float | None:
            return median_of(good[driver], key)

        for key, label in MEASURES[kind]:
            for driver in DRIVERS:
                runs = results.get((name, driver))
                if not runs:
                    continue
                ok, failed = split(runs)
                med = get(driver, key)
                row = [name, label, driver]
                if med is None:
                    if key == MEASURES[kind][0][0]:
                        lines.append(
                            f"| {name} | {label} | {driver} | fails: {failed[0][:70]} | | | | |"
                        )
                        if driver in OURS:
                            misses.append(f"{name} {driver}: fails")
                    continue
                values = [run[key] for run in ok if run.get(key) is not None]
                spread = f"{fmt(min(values))}-{fmt(max(values))}"
                if failed:
                    spread += f" ({len(failed)} failed)"
                ref = get(REFERENCE[driver], key) if driver in REFERENCE else None
                versus = f"{med / ref:.2f}x" if ref else ""
                if driver in REFERENCE and ref is None and results.get((name, REFERENCE[driver])):
                    versus = f"{REFERENCE[driver]} fails"
                goal, met = target(kind, key, driver, med, ref, get) if driver in OURS else ("", "")
                overhead = paired_overhead(results, name, driver, key)
                if kind == "realcli" and driver != "floor" and overhead is not None:
                    versus = f"floor {overhead:+.0f} ms"
                    if key == "result_ms" and driver in OURS:
                        goal, met = "≤ floor + 30 ms", "yes" if overhead <= 30 else "**no**"
                if met == "**no**":
                    shown = "" if "(is" in goal else f"{versus or fmt(med)}, "
                    misses.append(f"{name}, {label}, {driver}: {shown}target {goal}")
                row += [fmt(med), spread, versus, goal, met]
                lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"Targets missed: {len(misses)}"] + [f"- {miss}" for miss in misses]
    return "\n".join(lines)
