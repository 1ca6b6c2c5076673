package io.kindred.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlCatalogTest {

  @Test
  void everyTableHasOneNameAndEverySnapshotAHistory() {
    List<SqlCatalog.Entry> entries = SqlCatalog.entries();
    Set<String> names = new HashSet<>();
    entries.forEach(e -> assertTrue(names.add(e.name()), "two tables named " + e.name()));
    assertTrue(names.containsAll(List.of("customer_features", "customer_features_history", "social_features",
        "segment_profiles", "segment_profiles_history", "audiences", "audiences_history", "customer_segments",
        "segment_membership_changes", "clv_models", "run_metrics", "transactions", "quarantine_transactions")),
        names.toString());
    assertTrue(!names.contains("customer_segments_history"), "customer_segments is one row per customer");
    SqlCatalog.Entry features = entries.stream().filter(e -> e.name().equals("customer_features")).findFirst()
        .orElseThrow();
    assertTrue(features.latestOnly());
    assertTrue(features.description().endsWith(" Latest night only; every night: customer_features_history."),
        features.description());
  }

  @Test
  void queriesAndDescriptionsAreRead() {
    for (String sql : List.of("SELECT * FROM customer_features", "with a AS (SELECT 1 AS n) SELECT n FROM a",
        "SHOW TABLES", "DESCRIBE customer_features", "EXPLAIN SELECT 1", "VALUES (1, 2)",
        "SELECT a.customer_id FROM customer_features a JOIN social_features s ON a.customer_id = s.user_id "
            + "WHERE a.customer_id IN (SELECT customer_id FROM audiences)")) {
      SqlCatalog.requireReadOnly(sql);
    }
  }

  @Test
  void anyStatementThatWouldChangeSomethingIsRefusedBeforeItRuns() {
    List<String[]> refused = List.of(
        new String[] {"DROP TABLE customer_features", "DROP TABLE"},
        new String[] {"INSERT INTO run_metrics SELECT * FROM run_metrics", "INSERT"},
        new String[] {"WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", "INSERT"},
        new String[] {"DELETE FROM audiences WHERE true", "DELETE FROM TABLE"},
        new String[] {"UPDATE audiences SET segment_id = 0", "UPDATE TABLE"},
        new String[] {"MERGE INTO a USING b ON a.x = b.x WHEN MATCHED THEN DELETE", "MERGE INTO TABLE"},
        new String[] {"ALTER TABLE audiences ADD COLUMN x INT", "ADD COLUMNS"},
        new String[] {"CREATE TABLE x AS SELECT 1", "CREATE TABLE AS SELECT"},
        new String[] {"CREATE TEMPORARY VIEW v AS SELECT 1", "CREATE VIEW"},
        new String[] {"TRUNCATE TABLE audiences", "TRUNCATE TABLE"},
        new String[] {"SET spark.sql.shuffle.partitions = 1", "SET"},
        new String[] {"CACHE TABLE audiences", "CACHE TABLE"});
    for (String[] r : refused) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SqlCatalog.requireReadOnly(r[0]), r[0]);
      assertEquals("Refused: " + r[1] + " would change the lakehouse or the session; kindred sql only reads "
          + "(SELECT, WITH, SHOW, DESCRIBE, EXPLAIN). Nothing was run.", e.getMessage(), r[0]);
    }
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> SqlCatalog.requireReadOnly("SELEC * FROM audiences"));
    assertTrue(typo.getMessage().startsWith("The query does not parse: "), typo.getMessage());
  }

  @Test
  void theTablesAQueryReadsAreFoundInJoinsCtesAndSubqueries() {
    // with the WITH's own name n, which names no table and is not registered
    assertEquals(Set.of("customer_features", "customer_features_history", "social_features", "audiences", "n"),
        SqlCatalog.namesReadBy("WITH n AS (SELECT max(as_of) AS latest FROM customer_features_history) "
            + "SELECT f.customer_id FROM customer_features f JOIN social_features s ON f.customer_id = s.user_id "
            + "WHERE f.customer_id IN (SELECT customer_id FROM Audiences) AND f.as_of = (SELECT latest FROM n)"));
  }
}
