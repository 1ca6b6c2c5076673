package io.kindred.segments;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerSegmentColumns;
import io.kindred.lake.Tables.MembershipChangeColumns;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The transformations behind gold/customer_segments and gold/segment_membership_changes. */
public final class CustomerSegments {

  /** Columns of gold/customer_segments that say where a row came from, not what it says. */
  public static final List<String> PROVENANCE = List.of(CustomerSegmentColumns.MODEL_VERSION,
      CustomerSegmentColumns.SCORED_AT);

  private static final StructType CLUSTER_TO_SEGMENT = new StructType()
      .add("_cluster", DataTypes.IntegerType, false)
      .add(CustomerSegmentColumns.SEGMENT_ID, DataTypes.IntegerType, false)
      .add(CustomerSegmentColumns.SEGMENT_NAME, DataTypes.StringType, false);

  private CustomerSegments() {
  }

  /**
   * Adds segment_id and segment_name to a frame clustered by {@link SegmentPipeline#withCluster}, from the model's
   * cluster index -> (id, name).
   */
  public static Dataset<Row> withSegment(SparkSession spark, Dataset<Row> clustered,
      Map<Integer, Map.Entry<Integer, String>> byCluster) {
    List<Row> rows = new ArrayList<>();
    byCluster.forEach((cluster, segment) -> rows.add(RowFactory.create(cluster, segment.getKey(),
        segment.getValue())));
    Dataset<Row> map = spark.createDataFrame(rows, CLUSTER_TO_SEGMENT);
    return clustered.join(broadcast(map), clustered.col(SegmentPipeline.CLUSTER).equalTo(map.col("_cluster")))
        .drop("_cluster");
  }

  /**
   * The rows of gold/customer_segments from a segmented features snapshot: scores rounded to
   * {@code scoreDecimals} (probabilities, influence) and {@code clvDecimals} (CLV), half up.
   */
  public static Dataset<Row> segmentRows(Dataset<Row> segmented, String modelVersion, Timestamp scoredAt,
      int scoreDecimals, int clvDecimals) {
    return segmented.select(
        col(CustomerFeatureColumns.CUSTOMER_ID).as(CustomerSegmentColumns.CUSTOMER_ID),
        col(CustomerSegmentColumns.SEGMENT_ID),
        col(CustomerSegmentColumns.SEGMENT_NAME),
        col(CustomerFeatureColumns.RFM_SEGMENT).as(CustomerSegmentColumns.RFM_SEGMENT),
        col(CustomerFeatureColumns.R_SCORE).as(CustomerSegmentColumns.R_SCORE),
        col(CustomerFeatureColumns.F_SCORE).as(CustomerSegmentColumns.F_SCORE),
        col(CustomerFeatureColumns.M_SCORE).as(CustomerSegmentColumns.M_SCORE),
        round(col(CustomerFeatureColumns.CLV), clvDecimals).as(CustomerSegmentColumns.CLV),
        round(col(CustomerFeatureColumns.PROBABILITY_ALIVE), scoreDecimals)
            .as(CustomerSegmentColumns.PROBABILITY_ALIVE),
        round(col(CustomerFeatureColumns.CHURN_PROBABILITY), scoreDecimals)
            .as(CustomerSegmentColumns.CHURN_PROBABILITY),
        round(col(CustomerFeatureColumns.INFLUENCE), scoreDecimals).as(CustomerSegmentColumns.INFLUENCE),
        col(CustomerFeatureColumns.COMMUNITY_ID).as(CustomerSegmentColumns.COMMUNITY_ID),
        lit(modelVersion).as(CustomerSegmentColumns.MODEL_VERSION),
        lit(scoredAt).as(CustomerSegmentColumns.SCORED_AT));
  }

  /**
   * The MERGE condition under which a matched row is updated: some column other than the {@link #PROVENANCE} ones
   * differs (null-safe) between the target {@code t} and the source {@code s}. Rows whose content is the same keep
   * their model_version and scored_at, so a rerun writes no change rows.
   */
  public static String contentChanged(String target, String source) {
    return "NOT (" + java.util.Arrays.stream(Tables.GOLD_CUSTOMER_SEGMENTS.schema().fieldNames())
        .filter(c -> !PROVENANCE.contains(c) && !c.equals(CustomerSegmentColumns.CUSTOMER_ID))
        .map(c -> target + ".`" + c + "` <=> " + source + ".`" + c + "`")
        .collect(Collectors.joining(" AND ")) + ")";
  }

  /**
   * Each customer's segment before {@code date}, from the membership changes: the segment the customer's latest
   * change dated before {@code date} moved it to (customers whose latest change took them out are left out).
   * Columns: customer_id, segment_id, segment_name.
   */
  public static Dataset<Row> assignmentBefore(Dataset<Row> changes, LocalDate date) {
    return changes.filter(col(MembershipChangeColumns.CHANGE_DATE).lt(lit(Date.valueOf(date))))
        .withColumn("_n", row_number().over(Window.partitionBy(MembershipChangeColumns.CUSTOMER_ID)
            .orderBy(col(MembershipChangeColumns.CHANGE_DATE).desc())))
        .filter(col("_n").equalTo(1).and(col(MembershipChangeColumns.TO_SEGMENT_ID).isNotNull()))
        .select(col(MembershipChangeColumns.CUSTOMER_ID).as(CustomerSegmentColumns.CUSTOMER_ID),
            col(MembershipChangeColumns.TO_SEGMENT_ID).as(CustomerSegmentColumns.SEGMENT_ID),
            col(MembershipChangeColumns.TO_SEGMENT_NAME).as(CustomerSegmentColumns.SEGMENT_NAME));
  }

  /**
   * The rows of gold/segment_membership_changes for {@code date}: every customer whose segment id in
   * {@code current} differs from the one in {@code before} (both customer_id, segment_id, segment_name), entering
   * (from null) and leaving (to null) included.
   */
  public static Dataset<Row> membershipChanges(Dataset<Row> before, Dataset<Row> current, LocalDate date,
      String modelVersion, String runId) {
    Dataset<Row> b = before.select(col(CustomerSegmentColumns.CUSTOMER_ID).as("_b_customer"),
        col(CustomerSegmentColumns.SEGMENT_ID).as("_b_id"), col(CustomerSegmentColumns.SEGMENT_NAME).as("_b_name"));
    Dataset<Row> c = current.select(col(CustomerSegmentColumns.CUSTOMER_ID).as("_c_customer"),
        col(CustomerSegmentColumns.SEGMENT_ID).as("_c_id"), col(CustomerSegmentColumns.SEGMENT_NAME).as("_c_name"));
    Column customer = org.apache.spark.sql.functions.coalesce(col("_c_customer"), col("_b_customer"));
    return b.join(c, col("_b_customer").equalTo(col("_c_customer")), "full_outer")
        .filter(org.apache.spark.sql.functions.not(col("_b_id").eqNullSafe(col("_c_id"))))
        .select(lit(Date.valueOf(date)).as(MembershipChangeColumns.CHANGE_DATE),
            customer.as(MembershipChangeColumns.CUSTOMER_ID),
            col("_b_id").as(MembershipChangeColumns.FROM_SEGMENT_ID),
            col("_b_name").as(MembershipChangeColumns.FROM_SEGMENT_NAME),
            col("_c_id").as(MembershipChangeColumns.TO_SEGMENT_ID),
            col("_c_name").as(MembershipChangeColumns.TO_SEGMENT_NAME),
            lit(modelVersion).as(MembershipChangeColumns.MODEL_VERSION),
            lit(runId).as(MembershipChangeColumns.RUN_ID));
  }
}
