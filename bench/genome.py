#!/usr/bin/env python3
"""Genome import benchmark (issue 3): our full import vs `snps` reading the same file, and our
VCF streaming vs a bare cyvcf2 loop, with peak RSS. One command:

    python3 bench/genome.py [--markers 640000] [--vcf-records 5000000]

Each measurement runs in its own child process so peak RSS is that work's own. The main figures
time the work after each side's library is imported (numpy included on both sides); the
"each counting its library's import" rows time from a fresh interpreter's first import of the
library (pandas for snps) to the end, which is what a person running either tool waits for.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    from run import ensure_venv

    sys.exit(subprocess.run([str(ensure_venv()), __file__, *sys.argv[1:]]).returncode)

CHILD = r"""
import json, sys, time
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
started = time.perf_counter()
if kind == "snps":
    import snps
    imported = time.perf_counter()
    count = snps.SNPs(str(path)).count
elif kind == "cyvcf2":
    import cyvcf2
    imported = time.perf_counter()
    count = 0
    for variant in cyvcf2.VCF(str(path)):
        variant.genotypes
        count += 1
elif kind in ("import", "import-vcf"):
    import os
    os.environ["COMPANION_KDF"] = "floor"
    from companion.vault.kdf import FLOOR, KdfPolicy
    from companion.vault.store import ProfileStore
    home = Path(sys.argv[3])
    store = ProfileStore(home, KdfPolicy(target=FLOOR))
    session, _ = store.create(f"Tester{int(time.time()*1000) % 100000}", "bench horse battery staple")
    started = time.perf_counter()  # the genome code's import and the import itself, not the profile
    from companion.genome.service import import_genome
    from companion.genome import columnar  # loaded lazily on first read: numpy, as snps' import loads pandas
    imported = time.perf_counter()
    result = import_genome(session, path)
    count = result.summary.markers
    session.close()
elif kind == "stream-vcf":
    from companion.genome.reader import read_genome
    imported = time.perf_counter()
    stream = read_genome(path)
    count = sum(len(batch) for batch in stream.batches())
finished = time.perf_counter()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork/exec, so it
# would report the benchmark driver's own peak (it generates the files) for every child.
with open("/proc/self/status") as status:
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
rss_mb = hwm_kb / 1024
print(json.dumps({"seconds": finished - imported, "cold": finished - started, "count": count, "rss_mb": rss_mb}))
"""

def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child {args[0]} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_run(runs: int, *args: str) -> dict[str, float]:
    return _median([run_child(*args) for _ in range(runs)])


def paired_runs(runs: int, peer: tuple[str, ...], ours: tuple[str, ...]) -> tuple[dict[str, float], dict[str, float]]:
    """Peer and ours alternately, so that a slow spell of this shared machine hits both."""
    peer_results, our_results = [], []
    for _ in range(runs):
        peer_results.append(run_child(*peer))
        our_results.append(run_child(*ours))
    return _median(peer_results), _median(our_results)


def _median(results: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "cold": statistics.median(r["cold"] for r in results),
        "count": results[0]["count"],
        "rss_mb": max(r["rss_mb"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markers", type=int, default=640_000)
    parser.add_argument("--vcf-records", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each VCF measurement")
    parser.add_argument("--array-runs", type=int, default=7, help="runs of each 23andMe measurement")
    args = parser.parse_args()
    from tests.unit.genome.generate import write_23andme, write_vcf_gz

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        array = tmpdir / "genome_Bench_v5_Full.txt"
        write_23andme(array, args.markers, seed=1)
        vcf = tmpdir / "bench.vcf.gz"
        write_vcf_gz(vcf, args.vcf_records, seed=2)
        size_mb = array.stat().st_size / 1e6
        snps_r, ours = paired_runs(args.array_runs, ("snps", str(array)), ("import", str(array), str(tmpdir / "home")))
        ratio = ours["seconds"] / snps_r["seconds"]
        cold_ratio = ours["cold"] / snps_r["cold"]
        rows.append((f"23andMe {args.markers:,} markers ({size_mb:.0f} MB): snps reads it (peer)",
                     snps_r["seconds"], snps_r["rss_mb"], "", ""))
        rows.append(("  our import: parse, check, store encrypted, annotate",
                     ours["seconds"], ours["rss_mb"], f"{ratio:.2f}× snps (budget ≤ 0.75×)", "ok" if ratio <= 0.75 else "OUT"))
        rows.append(("  the same, each counting its library's import: snps",
                     snps_r["cold"], snps_r["rss_mb"], "", ""))
        rows.append(("                                                ours",
                     ours["cold"], ours["rss_mb"], f"{cold_ratio:.2f}× snps (budget ≤ 0.75×)",
                     "ok" if cold_ratio <= 0.75 else "OUT"))
        vcf_mb = vcf.stat().st_size / 1e6
        bare, stream = paired_runs(args.runs, ("cyvcf2", str(vcf)), ("stream-vcf", str(vcf)))
        ratio = stream["seconds"] / bare["seconds"]
        rows.append((f"VCF.gz {args.vcf_records:,} records ({vcf_mb:.0f} MB): bare cyvcf2 loop (peer)",
                     bare["seconds"], bare["rss_mb"], "", ""))
        rows.append(("  our VCF streaming", stream["seconds"], stream["rss_mb"],
                     f"{ratio:.2f}× cyvcf2 (budget ≤ 1.5×)", "ok" if ratio <= 1.5 and stream["rss_mb"] <= 500 else "OUT"))
        full = median_run(1, "import-vcf", str(vcf), str(tmpdir / "home2"))
        rows.append(("  our full VCF import (stream + store + annotate)", full["seconds"], full["rss_mb"],
                     "peak RSS budget ≤ 500 MB", "ok" if full["rss_mb"] <= 500 else "OUT"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'median s':>9}  {'peak RSS':>9}  {'ratio / budget':<34} verdict")
    for name, seconds, rss, ratio_text, verdict in rows:
        print(f"{name:<{width}}  {seconds:>9.2f}  {rss:>7.0f}MB  {ratio_text:<34} {verdict}")


if __name__ == "__main__":
    main()
