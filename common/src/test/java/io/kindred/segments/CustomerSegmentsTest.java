package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.testing.SharedSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CustomerSegmentsTest {

  private final SparkSession spark = SharedSpark.session();

  private static Row change(String date, String customer, Integer from, Integer to) {
    return RowFactory.create(Date.valueOf(date), customer, from, from == null ? null : "s" + from, to,
        to == null ? null : "s" + to, "v", "run");
  }

  private Dataset<Row> changes() {
    return spark.createDataFrame(List.of(
        change("2026-03-01", "C1", null, 1), change("2026-03-03", "C1", 1, 2),
        change("2026-03-01", "C2", null, 1), change("2026-03-04", "C2", 1, null),
        change("2026-03-05", "C3", null, 3)), Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES.schema());
  }

  private static Map<String, String> byCustomer(Dataset<Row> assignment) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : assignment.collectAsList()) {
      out.put(r.getString(0), r.getInt(1) + "|" + r.getString(2));
    }
    return out;
  }

  @Test
  void theSegmentBeforeADateIsWhereTheLatestEarlierChangeLeftTheCustomer() {
    assertEquals(Map.of("C1", "2|s2", "C2", "1|s1"),
        byCustomer(CustomerSegments.assignmentBefore(changes(), LocalDate.of(2026, 3, 4))));
    assertEquals(Map.of("C1", "2|s2"), byCustomer(CustomerSegments.assignmentBefore(changes(),
        LocalDate.of(2026, 3, 5))));
    assertEquals(Map.of(), byCustomer(CustomerSegments.assignmentBefore(changes(), LocalDate.of(2026, 3, 1))));
  }

  private static final StructType ASSIGNMENT = new StructType().add("customer_id", DataTypes.StringType)
      .add("segment_id", DataTypes.IntegerType).add("segment_name", DataTypes.StringType);

  @Test
  void membershipChangesListMovesEntriesAndExits() {
    Dataset<Row> before = spark.createDataFrame(List.of(RowFactory.create("C1", 2, "s2"),
        RowFactory.create("C2", 1, "s1"), RowFactory.create("C5", 1, "s1")), ASSIGNMENT);
    Dataset<Row> current = spark.createDataFrame(List.of(RowFactory.create("C1", 2, "s2"),
        RowFactory.create("C2", 3, "s3"), RowFactory.create("C4", 1, "s1")), ASSIGNMENT);

    Dataset<Row> changes = CustomerSegments.membershipChanges(before, current, LocalDate.of(2026, 3, 6), "v9", "r9");

    Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES.requireSchemaOf(changes);
    Map<String, String> rows = new TreeMap<>();
    for (Row r : changes.collectAsList()) {
      rows.put(r.getString(1), r.getDate(0) + "|" + r.get(2) + "|" + r.get(3) + "|" + r.get(4) + "|" + r.get(5) + "|"
          + r.get(6) + "|" + r.get(7));
    }
    assertEquals(Map.of("C2", "2026-03-06|1|s1|3|s3|v9|r9", "C4", "2026-03-06|null|null|1|s1|v9|r9",
        "C5", "2026-03-06|1|s1|null|null|v9|r9"), rows);
  }

  @Test
  void segmentRowsRoundScoresAndCarryTheModelAndTime() {
    StructType schema = new StructType()
        .add(CustomerFeatureColumns.CUSTOMER_ID, DataTypes.StringType)
        .add("segment_id", DataTypes.IntegerType).add("segment_name", DataTypes.StringType)
        .add(CustomerFeatureColumns.RFM_SEGMENT, DataTypes.StringType)
        .add(CustomerFeatureColumns.R_SCORE, DataTypes.IntegerType)
        .add(CustomerFeatureColumns.F_SCORE, DataTypes.IntegerType)
        .add(CustomerFeatureColumns.M_SCORE, DataTypes.IntegerType)
        .add(CustomerFeatureColumns.CLV, DataTypes.DoubleType)
        .add(CustomerFeatureColumns.PROBABILITY_ALIVE, DataTypes.DoubleType)
        .add(CustomerFeatureColumns.CHURN_PROBABILITY, DataTypes.DoubleType)
        .add(CustomerFeatureColumns.INFLUENCE, DataTypes.DoubleType)
        .add(CustomerFeatureColumns.COMMUNITY_ID, DataTypes.StringType)
        .add(CustomerFeatureColumns.RECENCY_DAYS, DataTypes.IntegerType);
    Dataset<Row> segmented = spark.createDataFrame(List.of(
        RowFactory.create("C1", 4, "High value, active", "champions", 5, 5, 4, 1234.5678, 0.876, 0.1234, 2.3449,
            "K7", 3),
        RowFactory.create("C2", 1, "Low value, lapsed", "hibernating", 1, 1, 2, 12.4, 0.5, null, null, null, 80)),
        schema);
    Timestamp at = Timestamp.from(Instant.parse("2026-03-05T02:03:04Z"));

    Dataset<Row> rows = CustomerSegments.segmentRows(segmented, "v3", at, 2, 0);

    Tables.GOLD_CUSTOMER_SEGMENTS.requireSchemaOf(rows);
    Map<String, String> out = new TreeMap<>();
    for (Row r : rows.collectAsList()) {
      out.put(r.getString(0), r.mkString("|"));
    }
    assertEquals(Map.of(
        "C1", "C1|4|High value, active|champions|5|5|4|1235.0|0.88|0.12|2.34|K7|v3|" + at,
        "C2", "C2|1|Low value, lapsed|hibernating|1|1|2|12.0|0.5|null|null|null|v3|" + at), out);
  }

  @Test
  void onlyContentColumnsDecideAnUpdate() {
    assertEquals("NOT (t.`segment_id` <=> s.`segment_id` AND t.`segment_name` <=> s.`segment_name` AND "
        + "t.`rfm_segment` <=> s.`rfm_segment` AND t.`r_score` <=> s.`r_score` AND t.`f_score` <=> s.`f_score` AND "
        + "t.`m_score` <=> s.`m_score` AND t.`clv` <=> s.`clv` AND t.`probability_alive` <=> s.`probability_alive` "
        + "AND t.`churn_probability` <=> s.`churn_probability` AND t.`influence` <=> s.`influence` AND "
        + "t.`community_id` <=> s.`community_id`)", CustomerSegments.contentChanged("t", "s"));
  }
}
