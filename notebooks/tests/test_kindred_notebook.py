"""The notebooks' helper module (notebooks/kindred_notebook.py) on a real local Spark with the Kindred jar.

It runs in a Python process of its own: a PySpark driver is one per process, and the cluster tests' session in this
one must not become the notebooks' (or the other way round).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1]

PROBE = r'''
import json, sys, tempfile
import kindred_notebook as kn

spark = kn.session()
out = {
    "words": kn.words(spark, "churn_probability_mean"),
    "money": [kn.money(spark, 1234.4), kn.money(spark, 12.5), kn.money(spark, -3), kn.money(spark, None)],
    "percent": [kn.percent(spark, 0.323), kn.percent(spark, 1), kn.percent(spark, None)],
    "count": [kn.count(spark, 12345), kn.count(spark, None)],
}
df = spark.createDataFrame([("Champions", 12345.678, 0.25, 1200), ("New", 10.0, 0.0125, 3)],
                           "segment_name string, revenue double, revenue_share double, customers long")
t = kn.table(df, money=["revenue"], percent=["revenue_share"], counts=["customers"])
out["table"] = {"columns": list(t.data.columns), "rows": t.data.values.tolist(), "index": "row_heading" in t.to_html()}
for name, call in [("unknown_column", lambda: kn.table(df, money=["clv"])),
                   ("unknown_section", lambda: kn.section(spark, "/nowhere", "2026-03-31", "segments", "pie")),
                   ("empty_lakehouse", lambda: kn.open_lakehouse(spark, tempfile.mkdtemp()))]:
    try:
        call()
        out[name] = None
    except ValueError as e:
        out[name] = str(e)
spark.stop()
print("PROBE " + json.dumps(out))
'''


@pytest.fixture(scope="module")
def probe() -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=NOTEBOOKS, capture_output=True, text=True,
                            timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
    assert result.returncode == 0 and lines, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(lines[0][len("PROBE "):])


def test_formats_are_the_reports(probe):
    assert probe["words"] == "Churn probability mean"
    assert probe["money"] == ["$1,234", "$12.50", "-$3.00", "-"]
    assert probe["percent"] == ["32.3%", "100.0%", "-"]
    assert probe["count"] == ["12,345", "-"]


def test_a_table_has_worded_headers_and_formatted_columns(probe):
    assert probe["table"] == {"columns": ["Segment name", "Revenue", "Revenue share", "Customers"],
                              "rows": [["Champions", "$12,346", "25.0%", "1,200"], ["New", "$10.00", "1.3%", "3"]],
                              "index": False}


def test_unknown_columns_sections_and_lakehouses_are_named(probe):
    assert probe["unknown_column"] == ("Columns ['clv'] are not in the table's columns "
                                       "['segment_name', 'revenue', 'revenue_share', 'customers']")
    assert probe["unknown_section"] == ("Unknown report section 'pie'; expected one of segments, rfm, movement, clv, "
                                        "churn, social, lift, quality")
    assert probe["empty_lakehouse"].endswith("holds no gold/customer_features: run the nightly pipeline "
                                             "(./kindred demo) or point LAKEHOUSE at a Kindred lakehouse")
