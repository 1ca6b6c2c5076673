package io.kindred.jobs.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.SegmentColumns;
import io.kindred.lake.Tables.SegmentModelColumns;
import io.kindred.segments.Scaling;
import io.kindred.segments.SegmentIdentities;
import io.kindred.segments.SegmentModelSelection;
import io.kindred.segments.SegmentSpec;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * gold/segment_models: the model in force on a date and the ids ever issued (reading), and the row a new model is
 * recorded with.
 */
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

    /** Its segments as the previous model's, to match a new model's clusters to ({@link SegmentIdentities}). */
    public List<SegmentIdentities.PreviousSegment> previousSegments() {
      return segments.stream()
          .map(s -> new SegmentIdentities.PreviousSegment(s.segmentId(), s.name(), s.centroid())).toList();
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

  /**
   * The row of gold/segment_models recording a new model: k, silhouette, features, the segments with their training
   * sizes, centroids in original units and match, the retired segments, trained now.
   *
   * @param runId the training run
   * @param path where its PipelineModel is saved
   * @param spec its spec (features, log features, algorithm, k)
   * @param dropped the configured features left out (null for every customer)
   * @param chosen the sweep's chosen k: silhouette and training customers per cluster index
   * @param population customers in the snapshot
   * @param trainingCustomers customers it was trained on
   * @param previousVersion the model it was matched to, null for a first model
   * @param maxMatchDistance the match's distance limit
   * @param match its clusters' identities
   * @param names segment names, by id
   * @param scaling its scaling, to bring the centres to original units
   * @param centres its clusters' centres in the clustering space
   */
  public static Row row(String version, LocalDate asOf, String runId, String path, SegmentSpec spec,
      Set<String> dropped, SegmentModelSelection.SweepPoint chosen, long population, long trainingCustomers,
      String previousVersion, double maxMatchDistance, SegmentIdentities.Match match, Map<Integer, String> names,
      Scaling scaling, double[][] centres) {
    List<Row> segments = new ArrayList<>();
    for (SegmentIdentities.Identity identity : match.identities()) {
      segments.add(RowFactory.create(identity.segmentId(), identity.cluster(), names.get(identity.segmentId()),
          chosen.sizes()[identity.cluster()],
          CollectionConverters.asScala(scaling.toOriginal(centres[identity.cluster()])),
          identity.isNew() ? null : identity.previous().segmentId(), identity.distance()));
    }
    return RowFactory.create(version, Date.valueOf(asOf), runId, path, spec.algorithm().code(),
        seq(spec.features()), seq(spec.logFeatures()), seq(new ArrayList<>(dropped)), spec.k(), chosen.silhouette(),
        population, trainingCustomers, previousVersion, maxMatchDistance, seq(segments),
        seq(match.retired()), Timestamp.from(Instant.now()));
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}
