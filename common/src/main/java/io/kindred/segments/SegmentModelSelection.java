package io.kindred.segments;

import static org.apache.spark.sql.functions.col;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.ops.Steps;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The choice of a segmentation model: the training set, then a sweep over k. For each k the pipeline
 * ({@link SegmentPipeline}) is fitted from several starts ({@link #fitBestOf}) and measured by its silhouette and its
 * segment sizes; the k with the highest silhouette among those whose every segment holds at least the minimum size
 * wins (on equal silhouettes the smaller k).
 *
 * <p>The steps are timed and logged by the caller's {@link Steps} and the figures logged on the caller's logger, so
 * they read as the job's own.
 */
public final class SegmentModelSelection {

  private SegmentModelSelection() {
  }

  /**
   * One k of the sweep.
   *
   * @param k the number of clusters
   * @param silhouette its silhouette (-1 when fewer than 2 clusters hold customers)
   * @param sizes training customers per cluster index
   * @param minSize the minimum segment size
   * @param fitMs milliseconds to fit and measure it
   */
  public record SweepPoint(int k, double silhouette, long[] sizes, long minSize, long fitMs) {

    /** The size of the smallest segment. */
    public long smallest() {
      return Arrays.stream(sizes).min().orElse(0);
    }

    /** Whether every segment holds at least the minimum size (and at least one customer). */
    public boolean admissible() {
      return smallest() >= minSize && smallest() > 0;
    }
  }

  /**
   * The outcome of a sweep.
   *
   * @param sweep every k tried, ascending
   * @param chosen the winning k, null when no k is admissible
   * @param model the winning k's fitted pipeline, null when no k is admissible
   */
  public record Selection(List<SweepPoint> sweep, SweepPoint chosen, PipelineModel model) {

    public Selection {
      sweep = List.copyOf(sweep);
    }
  }

  /** The minimum segment size: {@code minShare} of the training customers, rounded up. */
  public static long minSegmentSize(double minShare, long trainingCustomers) {
    return (long) Math.ceil(minShare * trainingCustomers);
  }

  /** The largest k to try: {@code kMax}, but fewer clusters than training customers. */
  public static int kMax(int kMax, long trainingCustomers) {
    return (int) Math.min(kMax, trainingCustomers - 1);
  }

  /**
   * Checks that every one of {@code features} (kindred.segments.features) is a column of the features
   * {@code snapshot}.
   *
   * @throws IllegalArgumentException naming the missing features and the snapshot's columns
   */
  public static void requireFeatures(Dataset<Row> snapshot, List<String> features) {
    List<String> missing = features.stream().filter(f -> !Arrays.asList(snapshot.columns()).contains(f)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("kindred.segments.features names " + missing + ", not columns of "
          + Tables.GOLD_CUSTOMER_FEATURES.relativePath() + "; its columns are "
          + String.join(", ", snapshot.columns()));
    }
  }

  /**
   * The features null for every customer, given the counts of a snapshot: {@code counts} holds the number of rows
   * first, then the non-null count of each of {@code features}, in order.
   */
  public static Set<String> nullThroughout(List<String> features, Row counts) {
    Set<String> dropped = new LinkedHashSet<>();
    for (int i = 0; i < features.size(); i++) {
      if (counts.getLong(i + 1) == 0) {
        dropped.add(features.get(i));
      }
    }
    return dropped;
  }

  /**
   * Whether {@code point} beats the best so far, {@code chosen} (null before any): it is admissible and its silhouette
   * is strictly higher, so on a tie the earlier (smaller) k stays.
   */
  public static boolean beats(SweepPoint point, SweepPoint chosen) {
    return point.admissible() && (chosen == null || point.silhouette() > chosen.silhouette());
  }

  /**
   * Fits {@code base} with every k of {@code kMin..kMax} on {@code training} and chooses among them ({@link #beats}).
   *
   * @param restarts fits per k ({@link #fitBestOf})
   * @param minSize the minimum segment size ({@link #minSegmentSize})
   * @param steps the caller's step timer
   * @param log the caller's log, for each k's figures
   */
  public static Selection sweep(Dataset<Row> training, SegmentSpec base, int kMin, int kMax, int restarts,
      long minSize, Steps steps, Logger log) {
    List<SweepPoint> sweep = new ArrayList<>();
    PipelineModel best = null;
    SweepPoint chosen = null;
    // the preparation (imputer medians, scaler) does not depend on k or the seed: fitted once. Its rows are not
    // cached here: the clustering caches its own instances when its input is not cached, and iterating over those is
    // several times faster than over a cached DataFrame of vectors (measured: 5-8 s against 7-30 s a fit at 200,000)
    PipelineModel preparation = steps.run("fit feature preparation", () -> SegmentPipeline.preparation(base)
        .fit(training));
    Dataset<Row> prepared = preparation.transform(training);
    for (int k = kMin; k <= kMax; k++) {
      SegmentSpec spec = base.withK(k);
      long start = System.nanoTime();
      PipelineModel model = fitBestOf(spec, restarts, preparation, prepared, training, steps, log);
      Dataset<Row> clustered = SegmentPipeline.withCluster(model, training).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        int kk = k;
        long[] sizes = steps.run("segment sizes k=" + k, () -> SegmentPipeline.clusterSizes(clustered, kk));
        double silhouette = Arrays.stream(sizes).filter(s -> s > 0).count() < 2 ? -1
            : steps.run("silhouette k=" + k, () -> SegmentPipeline.silhouette(clustered));
        SweepPoint point = new SweepPoint(k, silhouette, sizes, minSize, (System.nanoTime() - start) / 1_000_000);
        sweep.add(point);
        log.info(String.format(Locale.ROOT, "k=%d: silhouette %.4f, segment sizes %s%s", k, silhouette,
            Arrays.toString(sizes), point.admissible() ? "" : " (a segment under the minimum of " + minSize
                + " customers)"));
        if (beats(point, chosen)) {
          chosen = point;
          best = model;
        }
      } finally {
        clustered.unpersist();
      }
    }
    return new Selection(sweep, chosen, best);
  }

  /**
   * The best of {@code restarts} fits of {@code spec} from seeds seed, seed + 1, ...: the one with the lowest
   * training cost ({@link SegmentPipeline#trainingCost}; on a tie the earlier seed), as k-means is run from several
   * starts (scikit-learn's {@code n_init}) since a single start can settle in a poor local optimum (a handful of
   * outliers as a cluster). The starts run one after the other: run as concurrent Spark jobs they gained nothing on
   * 2 cores (measured on the demo).
   *
   * @param preparation the fitted preparation stages ({@link SegmentPipeline#preparation}) shared by every fit
   * @param prepared {@code training} through {@code preparation}
   */
  public static PipelineModel fitBestOf(SegmentSpec spec, int restarts, PipelineModel preparation,
      Dataset<Row> prepared, Dataset<Row> training, Steps steps, Logger log) {
    PipelineModel best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    double[] costs = new double[restarts];
    for (int r = 0; r < restarts; r++) {
      SegmentSpec start = spec.withSeed(spec.seed() + r);
      PipelineModel model = steps.run("fit k=" + spec.k() + (restarts > 1 ? " start " + (r + 1) + "/"
          + restarts : ""), () -> SegmentPipeline.withClustering(preparation, start, prepared, training));
      costs[r] = SegmentPipeline.trainingCost(model);
      if (best == null || costs[r] < bestCost) {
        best = model;
        bestCost = costs[r];
      }
    }
    if (restarts > 1) {
      log.info(String.format(Locale.ROOT, "k=%d: training cost %s over %d starts, kept %.6g", spec.k(),
          Arrays.toString(Arrays.stream(costs).mapToObj(c -> String.format(Locale.ROOT, "%.6g", c)).toArray()),
          restarts, bestCost));
    }
    return best;
  }

  /**
   * The training set: the snapshot's customers and model features, sampled down to {@code max} customers.
   *
   * @param population customers in the snapshot
   * @param seed the sample's seed
   * @param log the caller's log, which says whether and how the snapshot was sampled
   */
  public static Dataset<Row> trainingSet(Dataset<Row> snapshot, long population, long max, long seed,
      List<String> features, Logger log) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(CustomerFeatureColumns.CUSTOMER_ID));
    features.forEach(f -> columns.add(col(f)));
    Dataset<Row> selected = snapshot.select(columns.toArray(Column[]::new));
    if (population <= max) {
      log.info("training on all {} customers", population);
      return selected;
    }
    double fraction = Math.min(1.0, 1.05 * max / population);
    log.info("training on a random sample of about {} of {} customers (fraction {}, seed {})", max,
        population, fraction, seed);
    return selected.sample(false, fraction, seed).limit((int) Math.min(max, Integer.MAX_VALUE));
  }

  /** Rows of gold/segment_model_sweeps: one per k tried, {@code chosen} marked. */
  public static List<Row> sweepRows(String version, LocalDate asOf, String runId, ClusteringAlgorithm clustering,
      List<SweepPoint> sweep, SweepPoint chosen) {
    List<Row> rows = new ArrayList<>();
    for (SweepPoint p : sweep) {
      rows.add(RowFactory.create(version, Date.valueOf(asOf), runId, clustering.code(), p.k(),
          p.silhouette(), CollectionConverters.asScala(Arrays.stream(p.sizes()).boxed().toList()).toSeq(),
          p.smallest(), p.minSize(), p.admissible(), p == chosen, p.fitMs()));
    }
    return rows;
  }
}
