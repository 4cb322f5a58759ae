#!/usr/bin/env python3
"""Trend charts: 10 years of 6 daily series drawn offscreen (DESIGN §10 budget: ≤ 150 ms).

    python3 bench/lifestyle_render.py [--runs 7]

The six series are blood pressure (systolic and diastolic, one chart), weight, resting heart
rate, steps and sleep: five charts, as the Today page shows them. For each chart it times, as a
median of ``--runs`` after one warm-up:

- ``build+draw``: what the UI thread does when a chart is shown: bucket by span (10 years →
  months), make the artists, render with Agg and paint the widget;
- the same with no aggregation (3,652 daily points a series), to show what aggregation buys;
- ``prepare``: readings → day values, which the app does in a worker thread, not the UI thread.

The budget applies to one chart on screen and, to be strict, to all six series together.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    from run import ensure_venv

    python = ensure_venv()
    sys.exit(subprocess.run([str(python), __file__, *sys.argv[1:]]).returncode)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BUDGET_MS = 150.0
YEARS = 10
TODAY = date(2026, 11, 22)
SERIES = {  # kind: (typical value, day-to-day spread)
    "systolic_bp": (128.0, 7.0),
    "diastolic_bp": (82.0, 5.0),
    "weight": (78.0, 0.6),
    "resting_heart_rate": (64.0, 3.0),
    "steps": (7000.0, 2500.0),
    "sleep_hours": (7.0, 0.8),
}


def readings(seed: int = 5) -> list:
    from companion.lifestyle.trends import Reading

    rnd = random.Random(seed)
    out = []
    days = YEARS * 365 + YEARS // 4
    for kind, (typical, spread) in SERIES.items():
        for i in range(days):
            moment = datetime(TODAY.year, TODAY.month, TODAY.day, 8, tzinfo=timezone.utc) - timedelta(days=i)
            out.append(Reading(kind, moment, max(0.0, typical + spread * rnd.gauss(0, 1))))
    return out


def median_ms(fn, runs: int, clock=time.perf_counter) -> float:
    fn()  # warm-up: fonts, caches
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def cpu_ms(fn, runs: int) -> float:
    """CPU time of this process: what the work costs, less the waiting when other programs share
    the two cores (wall time on a busy machine varied 2x between runs)."""
    return median_ms(fn, runs, time.process_time)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from companion.lifestyle import trends
    from companion.lifestyle.trends import CHARTS, Person, Resolution
    from companion.ui.app import make_application
    from companion.ui.widgets.trend_chart import TrendChart

    make_application([])
    rows = readings()
    keys = ["blood_pressure", "weight", "resting_heart_rate", "steps", "sleep_hours"]
    person = Person(age=67, height_m=1.75)
    inputs = {}
    prepare_ms = {}
    for key in keys:
        spec = CHARTS[key]
        prepare_ms[key] = median_ms(lambda spec=spec: trends.prepare(spec, rows, person=person, today=TODAY), args.runs)
        inputs[key] = trends.prepare(spec, rows, person=person, today=TODAY)

    widget = TrendChart()
    widget.resize(900, 520)
    widget.show()

    def shown(key: str, resolution: Resolution | None = None) -> None:
        data = inputs[key]
        if resolution is None:
            widget.show_input(data)  # "All": 10 years, bucketed by span
        else:  # the same span drawn day by day, for comparison
            chart = trends.build(data)
            series = tuple(
                trends.Series(s.kind, s.label, tuple(trends.aggregate(data.days[s.kind], trends.MEASURES[s.kind], Resolution.DAY, TODAY)))
                for s in chart.series
            )
            widget.chart = trends.TrendChartData(chart.spec, chart.start, chart.end, Resolution.DAY, series, chart.bands)
            from companion.ui.widgets.trend_chart import draw_chart

            widget._plotted = draw_chart(widget.figure, widget.chart).plotted
            widget.canvas.draw_idle()
        widget.canvas.grab()  # the app's path: the pending draw_idle renders, then the widget paints

    print(f"Trend charts: {YEARS} years of {len(SERIES)} daily series ({len(rows):,} readings), median of {args.runs} runs")
    print(f"{'chart':<22}{'points':>8}{'build+draw ms':>15}{'(CPU ms)':>10}{'daily points ms':>17}{'prepare ms (worker)':>21}")
    total = total_daily = total_cpu = worst = 0.0
    for key in keys:
        widget.show_input(inputs[key])
        points = sum(len(s.buckets) for s in widget.chart.series)
        aggregated = median_ms(lambda key=key: shown(key), args.runs)
        cpu = cpu_ms(lambda key=key: shown(key), args.runs)
        daily = median_ms(lambda key=key: shown(key, Resolution.DAY), args.runs)
        total += aggregated
        total_cpu += cpu
        total_daily += daily
        worst = max(worst, aggregated)
        print(f"{key:<22}{points:>8}{aggregated:>15.1f}{cpu:>10.1f}{daily:>17.1f}{prepare_ms[key]:>21.1f}")
    print(f"{'all six series':<22}{'':>8}{total:>15.1f}{total_cpu:>10.1f}{total_daily:>17.1f}{sum(prepare_ms.values()):>21.1f}")
    print(
        f"budget {BUDGET_MS:.0f} ms: the slowest chart on screen {worst:.0f} ms ({'within' if worst <= BUDGET_MS else 'over'}); "
        f"all six series drawn one after another {total:.0f} ms ({'within' if total <= BUDGET_MS else 'over'}). "
        "Ten years are drawn as monthly averages (the span chooses day/week/month); the page shows one chart at a time."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
