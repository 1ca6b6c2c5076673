package io.kindred.jobs.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.SegmentColumns;
import io.kindred.lake.Tables.SegmentModelColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reading gold/segment_models: the model in force on a date, and the ids ever issued. */
public final class SegmentModels {

  private SegmentModels() {
  }

  /**
   * One segment of a recorded model.
   *
   * @param segmentId its id
   * @param cluster the model's cluster index
   * @param name its name as trained (a configured name may override it when scoring)
   * @param customers training customers in it
   * @param centroid its centre in original units
   */
  public record Segment(int segmentId, int cluster, String name, long customers, Map<String, Double> centroid) {
  }

  /**
   * A recorded model.
   *
   * @param version its version (folder under models/segments)
   * @param asOf the snapshot it was trained on
   * @param modelPath where the PipelineModel is saved
   * @param features its features, in order
   * @param logFeatures those through log1p
   * @param segments its segments, by cluster index
   */
  public record Model(String version, LocalDate asOf, String modelPath, List<String> features,
      List<String> logFeatures, List<Segment> segments) {

    /** Cluster index -> (segment id, name), names overridden by {@code configured} (by id). */
    public Map<Integer, Map.Entry<Integer, String>> byCluster(Map<Integer, String> configured) {
      Map<Integer, Map.Entry<Integer, String>> out = new LinkedHashMap<>();
      for (Segment s : segments) {
        out.put(s.cluster(), Map.entry(s.segmentId(), configured.getOrDefault(s.segmentId(), s.name())));
      }
      return out;
    }
  }

  /** The latest model (by training time) trained on a snapshot as of {@code date} or earlier, if any. */
  public static Optional<Model> inForce(SparkSession spark, Lakehouse lake, LocalDate date) {
    if (!lake.exists(spark, Tables.GOLD_SEGMENT_MODELS)) {
      return Optional.empty();
    }
    List<Row> rows = lake.read(spark, Tables.GOLD_SEGMENT_MODELS)
        .filter(col(SegmentModelColumns.AS_OF).leq(lit(Date.valueOf(date))))
        .orderBy(col(SegmentModelColumns.TRAINED_AT).desc(), col(SegmentModelColumns.VERSION).desc())
        .limit(1).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(model(rows.get(0)));
  }

  /** The largest segment id any recorded model has issued, 0 when none. */
  public static int maxIssuedId(SparkSession spark, Lakehouse lake) {
    if (!lake.exists(spark, Tables.GOLD_SEGMENT_MODELS)) {
      return 0;
    }
    Row r = lake.read(spark, Tables.GOLD_SEGMENT_MODELS)
        .select(org.apache.spark.sql.functions.explode(col(SegmentModelColumns.SEGMENTS)).as("s"))
        .agg(org.apache.spark.sql.functions.max(col("s." + SegmentColumns.SEGMENT_ID))).first();
    return r.isNullAt(0) ? 0 : r.getInt(0);
  }

  static Model model(Row r) {
    List<Segment> segments = new ArrayList<>();
    for (Row s : r.<Row>getList(r.fieldIndex(SegmentModelColumns.SEGMENTS))) {
      segments.add(new Segment(s.getAs(SegmentColumns.SEGMENT_ID), s.getAs(SegmentColumns.CLUSTER),
          s.getAs(SegmentColumns.SEGMENT_NAME), s.<Long>getAs(SegmentColumns.CUSTOMERS),
          new LinkedHashMap<>(s.<String, Double>getJavaMap(s.fieldIndex(SegmentColumns.CENTROID)))));
    }
    segments.sort(java.util.Comparator.comparingInt(Segment::cluster));
    return new Model(r.getAs(SegmentModelColumns.VERSION),
        r.<Date>getAs(SegmentModelColumns.AS_OF).toLocalDate(), r.getAs(SegmentModelColumns.MODEL_PATH),
        r.<String>getList(r.fieldIndex(SegmentModelColumns.FEATURES)),
        r.<String>getList(r.fieldIndex(SegmentModelColumns.LOG_FEATURES)), List.copyOf(segments));
  }
}
