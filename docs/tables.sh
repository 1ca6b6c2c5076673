#!/usr/bin/env bash
# Regenerates docs/tables.md from the table definitions in common (io.kindred.lake.Tables): run it after changing a
# table. TablesDocTest fails while the page and the definitions disagree.
set -euo pipefail
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -pl common -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/tables-classpath.txt
java -cp "common/target/classes:$(cat common/target/tables-classpath.txt)" io.kindred.lake.TableDocs docs/tables.md
