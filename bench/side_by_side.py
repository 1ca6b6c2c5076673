"""The benchmark's Python side, run by bench/run inside bench/.venv (bench/requirements.txt).

    side_by_side.py rfm --kindred DIR --threads 2 --repeat 2 --out duckdb-rfm.json
        DuckDB over the same Parquet files of silver/transactions that Kindred's `bench rfm` read (its file list):
        the same recency, frequency and monetary per customer, timed; then every Kindred output compared with it,
        value by value. A mismatch is reported (counts and examples) and the comparison's `equal` is false.
    side_by_side.py sample --summaries CSV --sizes 10000,100000,1000000 --seed 7 --out DIR
        Samples of the night's (x, t_x, T, mbar) summaries at each size (see README: how).
    side_by_side.py lifetimes --summary CSV [--summary CSV ...] --repeat 2 --out lifetimes.json
        lifetimes' BetaGeoFitter and GammaGammaFitter on each sample, timed.

Each command writes JSON and prints one line per measurement; errors exit non-zero with a message.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

SUMMARY_HEADER = "customer_id,x,t_x,T,mbar"


def _timed(fn):
    """(result, wall seconds, CPU seconds of this process) of fn()."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def rfm(args) -> int:
    import duckdb

    kindred_dir = Path(args.kindred)
    kindred = json.loads((kindred_dir / "kindred-rfm.json").read_text())
    files = [f for f in Path(kindred["silver_files_list"]).read_text().splitlines() if f]
    if not files:
        raise SystemExit(f"side_by_side rfm: no Parquet file listed in {kindred['silver_files_list']}")
    as_of = kindred["as_of"]
    con = duckdb.connect()
    con.execute(f"SET threads = {int(args.threads)}")
    file_list = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    # silver/transactions is partitioned by transaction_date: the value lives in the folder name (hive layout)
    source = f"read_parquet({file_list}, hive_partitioning = true)"
    rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    if rows != kindred["silver_rows"]:
        raise SystemExit(f"side_by_side rfm: the {len(files)} Parquet files hold {rows} rows but Delta reads "
                         f"{kindred['silver_rows']} from silver/transactions (deletion vectors?): DuckDB would not "
                         f"read the same data")
    # The definitions of io.kindred.features.RfmFeatures: a purchase day is a UTC day with a purchase (not a
    # return); recency = as-of - last purchase day; frequency = purchase days; monetary = every amount (returns
    # negative) up to as-of; customers without a purchase day are left out. Rows dated and delivered by as-of.
    query = f"""
        WITH t AS (
          SELECT customer_id, transaction_date AS day, is_return, amount FROM {source}
          WHERE transaction_date <= DATE '{as_of}' AND ingest_day <= DATE '{as_of}'),
        d AS (
          SELECT customer_id, day, bool_or(NOT is_return) AS purchase_day, sum(amount) AS amount
          FROM t GROUP BY customer_id, day)
        SELECT customer_id,
               DATE '{as_of}' - max(day) FILTER (WHERE purchase_day) AS recency_days,
               count(*) FILTER (WHERE purchase_day) AS frequency,
               CAST(sum(amount) AS DECIMAL(18, 2)) AS monetary
        FROM d GROUP BY customer_id
        HAVING count(*) FILTER (WHERE purchase_day) > 0"""
    out_dir = kindred_dir / "duckdb-rfm"
    out_dir.mkdir(parents=True, exist_ok=True)
    out_file = out_dir / "rfm.parquet"
    runs = []
    for i in range(args.repeat):
        _, wall, cpu = _timed(lambda: con.execute(f"COPY ({query}) TO '{out_file}' (FORMAT parquet)"))
        runs.append({"wall_ms": round(wall * 1000), "cpu_ms": round(cpu * 1000)})
        print(f"side_by_side rfm: duckdb run {i + 1}: {runs[-1]}")
    duck = f"read_parquet('{out_file}')"
    customers = con.execute(f"SELECT count(*) FROM {duck}").fetchone()[0]
    comparisons = {}
    for method, m in kindred["methods"].items():
        k = f"read_parquet('{m['output']}/*.parquet')"
        diff = f"""
            SELECT coalesce(k.customer_id, d.customer_id) AS customer_id,
                   k.recency_days AS kindred_recency, d.recency_days AS duckdb_recency,
                   k.frequency AS kindred_frequency, d.frequency AS duckdb_frequency,
                   k.monetary AS kindred_monetary, d.monetary AS duckdb_monetary
            FROM {k} k FULL OUTER JOIN {duck} d ON k.customer_id = d.customer_id
            WHERE k.customer_id IS NULL OR d.customer_id IS NULL
               OR k.recency_days IS DISTINCT FROM d.recency_days
               OR k.frequency IS DISTINCT FROM d.frequency
               OR k.monetary IS DISTINCT FROM d.monetary"""
        mismatches = con.execute(f"SELECT count(*) FROM ({diff})").fetchone()[0]
        examples = con.execute(f"SELECT * FROM ({diff}) ORDER BY customer_id LIMIT 5").fetchall()
        kindred_customers = con.execute(f"SELECT count(*) FROM {k}").fetchone()[0]
        comparisons[method] = {
            "equal": mismatches == 0 and kindred_customers == customers,
            "kindred_customers": kindred_customers,
            "mismatched_customers": mismatches,
            "examples": [[str(v) for v in row] for row in examples],
        }
        verdict = "equal" if comparisons[method]["equal"] else f"MISMATCH in {mismatches} customers: {examples}"
        print(f"side_by_side rfm: kindred {method} vs duckdb: {kindred_customers} vs {customers} customers, {verdict}")
    result = {"duckdb_version": duckdb.__version__, "threads": int(args.threads), "files": len(files),
              "rows": rows, "customers": customers, "runs": runs, "comparisons": comparisons}
    Path(args.out).write_text(json.dumps(result, indent=2))
    return 0


def _read_summaries(path: Path):
    import pandas as pd

    with open(path, encoding="utf-8") as f:
        header = f.readline().strip()
    if header != SUMMARY_HEADER:
        raise SystemExit(f"side_by_side: {path} has header '{header}'; expected '{SUMMARY_HEADER}'")
    # float_precision='round_trip' reads Java's shortest round-trip text back to the same doubles
    return pd.read_csv(path, dtype={"customer_id": str, "x": "int64"}, float_precision="round_trip")


def sample(args) -> int:
    import numpy as np

    data = _read_summaries(Path(args.summaries))
    n = len(data)
    if n == 0:
        raise SystemExit(f"side_by_side sample: {args.summaries} has no customer")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    made = []
    for size in [int(s) for s in args.sizes.split(",")]:
        if size <= n:
            rows = rng.choice(n, size=size, replace=False)
            how = f"{size} of the night's {n} customers, drawn without replacement"
        else:
            # every customer once, then the rest drawn with replacement (a bootstrap from the night's customers)
            rows = np.concatenate([np.arange(n), rng.choice(n, size=size - n, replace=True)])
            how = f"all {n} customers of the night plus {size - n} drawn with replacement from them"
        file = out / f"summaries-{size}.csv"
        data.iloc[np.sort(rows)].to_csv(file, index=False, float_format=None)
        made.append({"size": size, "file": str(file), "how": how})
        print(f"side_by_side sample: {file}: {how}")
    (out / "samples.json").write_text(json.dumps({"night_customers": n, "seed": args.seed, "samples": made},
                                                 indent=2))
    return 0


def lifetimes_fits(args) -> int:
    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    fits = []
    for path in args.summary:
        data = _read_summaries(Path(path))
        x = data["x"].to_numpy()
        tx = data["t_x"].to_numpy()
        age = data["T"].to_numpy()
        mbar = data["mbar"].to_numpy()
        fit = {"summary": path, "customers": int(len(data))}
        repeat = (x > 0) & (mbar > 0)

        def weighted():
            t = data.groupby(["x", "t_x", "T"]).size().reset_index(name="w")
            return BetaGeoFitter().fit(t["x"].to_numpy(), t["t_x"].to_numpy(), t["T"].to_numpy(),
                                       weights=t["w"].to_numpy())

        variants = {
            # per customer: lifetimes' documented use, one row per customer
            "bg_nbd": lambda: BetaGeoFitter().fit(x, tx, age),
            # weighted: the distinct (x, t_x, T) with counts, as Kindred reduces them (lifetimes' `weights`)
            "bg_nbd_weighted": weighted,
            "gamma_gamma": lambda: GammaGammaFitter().fit(x[repeat], mbar[repeat]),
        }
        for name, fit_once in variants.items():
            runs, fitted = [], None
            try:
                for _ in range(args.repeat):
                    fitted, wall, _cpu = _timed(fit_once)
                    runs.append(round(wall * 1000))
            except Exception as e:  # a fit lifetimes cannot do is reported, not timed
                fit[name] = {"error": f"{type(e).__name__}: {str(e).strip()}", "wall_ms": runs}
                continue
            # lifetimes names Gamma-Gamma's scale v; Kindred (and Fader-Hardie-Lee) call it gamma
            fit[name] = {"params": {("gamma" if k == "v" else k): float(v) for k, v in fitted.params_.items()},
                         "wall_ms": runs}
        fit["bg_nbd_weighted"]["distinct_rows"] = int(data.groupby(["x", "t_x", "T"]).ngroups)
        fit["gamma_gamma"]["customers"] = int(repeat.sum())
        print(f"side_by_side lifetimes: {path}: " + "; ".join(
            f"{name} {fit[name].get('params', fit[name].get('error'))} in {fit[name]['wall_ms']} ms" for name in variants))
        fits.append(fit)
    Path(args.out).write_text(json.dumps({"lifetimes_version": lifetimes.__version__, "fits": fits}, indent=2))
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="side_by_side.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rfm")
    p.add_argument("--kindred", required=True, help="the output folder of `bench rfm`")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--out", required=True)
    p = sub.add_parser("sample")
    p.add_argument("--summaries", required=True)
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", required=True)
    p = sub.add_parser("lifetimes")
    p.add_argument("--summary", action="append", required=True)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if getattr(args, "repeat", 1) < 1:
        parser.error("--repeat must be at least 1")
    return {"rfm": rfm, "sample": sample, "lifetimes": lifetimes_fits}[args.command](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
