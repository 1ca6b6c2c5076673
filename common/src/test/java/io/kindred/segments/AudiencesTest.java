package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.lake.Tables;
import io.kindred.testing.SharedSpark;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class AudiencesTest {

  private final SparkSession spark = SharedSpark.session();

  static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Timestamp at(String instant) {
    return instant == null ? null : Timestamp.from(Instant.parse(instant));
  }

  /** A silver/customers version. */
  private static Row customer(String id, String email, String phone, Boolean consent, String from, String to) {
    return RowFactory.create(id, email, phone, "US", null, consent, at(from), at(from), at(from), at(to), to == null,
        "test", LocalDate.of(2026, 3, 1), "run", "hash");
  }

  private Dataset<Row> history() {
    return spark.createDataFrame(List.of(
        // consent given, then withdrawn on 5 March at 08:00
        customer("C1", " Ann@Example.COM ", null, true, "2026-03-01T10:00:00Z", "2026-03-05T08:00:00Z"),
        customer("C1", " Ann@Example.COM ", null, false, "2026-03-05T08:00:00Z", null),
        customer("C2", null, "+14155550123", true, "2026-02-01T00:00:00Z", null),
        customer("C3", "c3@example.com", "+442071234567", null, "2026-02-01T00:00:00Z", null),
        // refused, then given from midnight of 3 March
        customer("C4", "c4@example.com", "+442071234567", false, "2026-02-01T00:00:00Z", "2026-03-03T00:00:00Z"),
        customer("C4", "c4@example.com", "+442071234567", true, "2026-03-03T00:00:00Z", null)),
        Tables.SILVER_CUSTOMERS.schema());
  }

  private Map<String, List<String>> consentingAt(LocalDate date) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (Row r : Audiences.consentingAt(history(), date).collectAsList()) {
      List<String> hashes = new ArrayList<>();
      hashes.add(r.getString(1));
      hashes.add(r.getString(2));
      out.put(r.getString(0), hashes);
    }
    return out;
  }

  @Test
  void consentIsTheVersionValidAtTheEndOfTheDayAndIdentifiersAreHashed() throws Exception {
    String ann = sha256("ann@example.com");
    String c4Email = sha256("c4@example.com");
    String phoneUs = sha256("+14155550123");
    String phoneGb = sha256("+442071234567");

    assertEquals(Map.of("C1", java.util.Arrays.asList(ann, null), "C2", java.util.Arrays.asList(null, phoneUs)),
        consentingAt(LocalDate.of(2026, 3, 2)));
    assertEquals(Map.of("C1", java.util.Arrays.asList(ann, null), "C2", java.util.Arrays.asList(null, phoneUs),
        "C4", List.of(c4Email, phoneGb)), consentingAt(LocalDate.of(2026, 3, 4)));
    assertEquals(Map.of("C2", java.util.Arrays.asList(null, phoneUs), "C4", List.of(c4Email, phoneGb)),
        consentingAt(LocalDate.of(2026, 3, 5)));
  }

  /** A row of gold/customer_segments. */
  private static Row segment(String id, int segmentId, String name, String rfm, int m, double clv, Double churn) {
    return RowFactory.create(id, segmentId, name, rfm, 5, 4, m, clv, 0.9, churn, null, null, "v1",
        Timestamp.from(Instant.parse("2026-03-05T01:00:00Z")));
  }

  private Dataset<Row> segments() {
    return spark.createDataFrame(List.of(
        segment("C1", 1, "High value, active", "champions", 5, 900.0, 0.7),
        segment("C2", 1, "High value, active", "champions", 4, 400.0, 0.2),
        segment("C4", 2, "Low value, lapsed", "hibernating", 1, 10.0, null)),
        Tables.GOLD_CUSTOMER_SEGMENTS.schema());
  }

  @Test
  void everyCustomerIsInItsSegmentItsRfmSegmentAndTheFiltersItSatisfies() {
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("champions at risk of churn", "rfm_segment = 'champions' AND churn_probability >= 0.5");
    filters.put("big spenders", "m_score >= 4");
    Map<String, Column> valid = Audiences.validatedFilters(segments(), filters);

    Set<String> rows = new TreeSet<>();
    for (Row r : Audiences.memberships(segments(), valid).collectAsList()) {
      rows.add(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2) + "|" + r.getInt(3));
    }

    assertEquals(new TreeSet<>(List.of(
        "C1|segment: High value, active|segment|1", "C2|segment: High value, active|segment|1",
        "C4|segment: Low value, lapsed|segment|2",
        "C1|rfm: champions|rfm|1", "C2|rfm: champions|rfm|1", "C4|rfm: hibernating|rfm|2",
        "C1|champions at risk of churn|filter|1",
        "C1|big spenders|filter|1", "C2|big spenders|filter|1")), rows);
  }

  private String rejection(String name, String condition) {
    return assertThrows(IllegalArgumentException.class,
        () -> Audiences.validatedFilters(segments(), Map.of(name, condition))).getMessage();
  }

  @Test
  void aFilterThatDoesNotParseIsRejectedWithTheReason() {
    assertEquals("Audience \"broken\" has an invalid filter \"rfm_segment = = 'champions'\": it does not parse: "
        + "[PARSE_SYNTAX_ERROR] Syntax error at or near '='. SQLSTATE: 42601 (line 1, pos 14)",
        rejection("broken", "rfm_segment = = 'champions'"));
  }

  @Test
  void aFilterNamingAnUnknownColumnIsRejectedWithTheColumnsThereAre() {
    assertEquals("Audience \"churners\" has an invalid filter \"churn_prob >= 0.5\": unknown column `churn_prob`; the "
        + "columns of gold/customer_segments are customer_id, segment_id, segment_name, rfm_segment, r_score, "
        + "f_score, m_score, clv, probability_alive, churn_probability, influence, community_id, model_version, "
        + "scored_at", rejection("churners", "churn_prob >= 0.5"));
  }

  @Test
  void aFilterThatIsNotAConditionIsRejected() {
    assertEquals("Audience \"value\" has an invalid filter \"clv * 2\": it is of type double; expected a boolean "
        + "condition", rejection("value", "clv * 2"));
  }

  @Test
  void aFilterMayNotTakeTheNameOfAGeneratedAudience() {
    assertEquals("Audience \"rfm: champions\" has an invalid filter \"m_score >= 4\": the name is empty or starts "
        + "with 'segment: ' or 'rfm: ', which generated audiences use", rejection("rfm: champions", "m_score >= 4"));
  }

  /** The unit hash computed here: the first 13 hex digits of SHA-256("salt" U+0001 parts...) over 16^13. */
  static double unit(String salt, String... parts) throws Exception {
    return Long.parseLong(sha256(salt + "\u0001" + String.join("\u0001", parts)).substring(0, 13), 16)
        / 4503599627370496.0;
  }

  /** memberships of {@code customers} customers in audiences "a" and "b". */
  private Dataset<Row> memberships(int customers) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      for (String audience : List.of("a", "b")) {
        rows.add(RowFactory.create(String.format("C%05d", i), audience));
      }
    }
    return spark.createDataFrame(rows, org.apache.spark.sql.types.DataTypes.createStructType(List.of(
        org.apache.spark.sql.types.DataTypes.createStructField("customer_id",
            org.apache.spark.sql.types.DataTypes.StringType, false),
        org.apache.spark.sql.types.DataTypes.createStructField("audience",
            org.apache.spark.sql.types.DataTypes.StringType, false))));
  }

  @Test
  void controlGroupsAreTheCustomersWhoseSaltedHashFallsBelowTheirAudiencesShare() throws Exception {
    Audiences.ControlGroups control = new Audiences.ControlGroups(0.1, Map.of("b", 0.3), 0, "s");
    List<Row> rows = Audiences.withGroups(memberships(4000), control).collectAsList();

    Map<String, Long> controls = new java.util.TreeMap<>();
    for (Row r : rows) {
      String id = r.getString(0);
      String audience = r.getString(1);
      double share = audience.equals("b") ? 0.3 : 0.1;
      // each row's group, from the hash computed here
      assertEquals(unit("s", audience, id) < share ? "control" : "treatment", r.getString(2), id + " in " + audience);
      controls.merge(audience + ":" + r.getString(2), 1L, Long::sum);
    }
    // within four binomial standard deviations of the shares: 400 +- 76, 1200 +- 116 of 4000
    assertTrue(Math.abs(controls.get("a:control") - 400) <= 4 * Math.sqrt(4000 * 0.1 * 0.9), controls.toString());
    assertTrue(Math.abs(controls.get("b:control") - 1200) <= 4 * Math.sqrt(4000 * 0.3 * 0.7), controls.toString());
    // the same groups again, whatever the partitioning
    assertEquals(new java.util.HashSet<>(rows),
        new java.util.HashSet<>(Audiences.withGroups(memberships(4000).repartition(7), control).collectAsList()));
  }

  @Test
  void aGlobalHoldoutKeepsItsCustomersOutOfEveryAudience() throws Exception {
    Audiences.ControlGroups control = new Audiences.ControlGroups(0, Map.of(), 0.2, "s");
    List<Row> rows = Audiences.withGroups(memberships(1000), control).collectAsList();

    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = String.format("C%05d", i);
      if (unit("s", "global holdout", id) >= 0.2) {
        expected.add(id + "|a|treatment");
        expected.add(id + "|b|treatment");
      }
    }
    Set<String> actual = new TreeSet<>();
    rows.forEach(r -> actual.add(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2)));
    assertEquals(expected, actual);
    assertTrue(Math.abs(expected.size() / 2 - 800) <= 4 * Math.sqrt(1000 * 0.2 * 0.8), "kept " + expected.size() / 2);
  }
}
