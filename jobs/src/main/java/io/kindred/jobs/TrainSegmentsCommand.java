package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.jobs.segments.SegmentModels;
import io.kindred.jobs.segments.SegmentSettings;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.SegmentProfileColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.segments.ClusteringAlgorithm;
import io.kindred.segments.CustomerSegments;
import io.kindred.segments.Scaling;
import io.kindred.segments.SegmentIdentities;
import io.kindred.segments.SegmentModelSelection;
import io.kindred.segments.SegmentModelSelection.SweepPoint;
import io.kindred.segments.SegmentNames;
import io.kindred.segments.SegmentPipeline;
import io.kindred.segments.SegmentProfiles;
import io.kindred.segments.SegmentSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code kindred train-segments}: trains the customer segmentation on the features snapshot of a date, an MLlib
 * pipeline ({@link SegmentPipeline}: imputation, log1p of the skewed features, scaling, then k-means, bisecting
 * k-means or a Gaussian mixture) with k chosen by silhouette ({@link SegmentModelSelection}), and gives its segments
 * stable ids and names.
 *
 * <p>Reads the snapshot {@code as_of = D} of {@code gold/customer_features} (a random sample of
 * {@code kindred.segments.max-training-customers} when it holds more, which the log and the model's row say) and
 * {@code gold/segment_models} (the previous model, to match segments to). For each k of {@code k-min..k-max} it fits
 * the pipeline and measures the silhouette and the segment sizes; the k with the highest silhouette among those
 * whose every segment holds at least {@code min-segment-share} of the training customers wins. Its clusters are
 * matched to the previous model's segments ({@link SegmentIdentities}): a matched cluster keeps the segment's id
 * and name, an unmatched one gets a new id, named from its profile ({@link SegmentNames}) unless
 * {@code kindred.segments.names} names it.
 *
 * <p>Writes the model under {@code models/segments/<version>} (the version is the run id), one row of
 * {@code gold/segment_models} (k, silhouette, features, segments with sizes, centroids in original units and their
 * match), one row per k tried to {@code gold/segment_model_sweeps} (also when no k qualifies, before failing), the
 * profiles of the snapshot's segments to {@code gold/segment_profiles} (replacing {@code as_of = D}), and one row of
 * {@code ops/run_metrics} (rows in = customers in the snapshot = rows written, each profiled in a segment).
 *
 * <p>A re-run is safe: it trains a new version matched to the latest model as of D (the previous run's, which it
 * continues: same data, same seed, same segments and ids) and replaces the profiles of D. With {@code --if-due} it
 * trains only when no model exists as of D or the latest was trained on a snapshot at least
 * {@code kindred.segments.retrain-interval-days} older; otherwise it writes only its metrics row.
 *
 * <p>Example: {@code ./kindred train-segments --as-of 2026-03-04}
 */
@Parameters(commandNames = "train-segments", commandDescription = "Train the customer segmentation (MLlib "
    + "pipeline, k by silhouette) on gold/customer_features as of a date; stable segment ids and names.")
public final class TrainSegmentsCommand implements KindredCommand {

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--if-due", description = "Train only when no model exists as of the date or the latest was "
      + "trained on a snapshot at least kindred.segments.retrain-interval-days older.")
  private boolean ifDue;

  @Parameter(names = "--algorithm", description = "Clustering stage: kmeans, bisecting-kmeans or gaussian-mixture. "
      + "Default: kindred.segments.algorithm (kmeans).")
  private String algorithm;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("build-features", "build-social-features");
  }

  public TrainSegmentsCommand ifDue(boolean value) {
    this.ifDue = value;
    return this;
  }

  public TrainSegmentsCommand algorithm(ClusteringAlgorithm value) {
    this.algorithm = value.code();
    return this;
  }

  @Override
  public void validate() {
    if (algorithm != null) {
      try {
        ClusteringAlgorithm.ofCode(algorithm);
      } catch (IllegalArgumentException e) {
        throw new ParameterException("--algorithm: " + e.getMessage());
      }
    }
  }

  /**
   * What a run did.
   *
   * @param metrics its metrics
   * @param version the new model's version, null when --if-due found none due
   * @param k the chosen k (0 when skipped)
   * @param silhouette its silhouette (NaN when skipped)
   * @param match the identity match (null when skipped)
   * @param names segment names by id (empty when skipped)
   */
  public record Result(RunMetrics metrics, String version, int k, double silhouette, SegmentIdentities.Match match,
      Map<Integer, String> names) {
  }

  @Override
  public void run(JobContext context) throws Exception {
    train(context);
  }

  /** Runs the job. */
  public Result train(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate asOf = context.runDate();
    SegmentSettings settings = SegmentSettings.from(context.config());
    ClusteringAlgorithm clustering = algorithm != null ? ClusteringAlgorithm.ofCode(algorithm)
        : settings.algorithm();
    Result[] result = new Result[1];
    RunMetrics metrics = context.accounted(m -> {
      m.detail("as_of", asOf).detail("algorithm", clustering.code());
      Optional<SegmentModels.Model> previous = context.steps().run("read previous model",
          () -> SegmentModels.inForce(spark, lake, asOf));
      if (ifDue && previous.isPresent()) {
        long age = ChronoUnit.DAYS.between(previous.get().asOf(), asOf);
        if (age < settings.retrainIntervalDays()) {
          context.log().info("model {} was trained on the snapshot of {}, {} days before {}: not due (every {} days)"
              + "; nothing trained", previous.get().version(), previous.get().asOf(), age, asOf,
              settings.retrainIntervalDays());
          m.detail("skipped", "model " + previous.get().version() + " is " + age + " days old, retrain every "
              + settings.retrainIntervalDays());
          result[0] = new Result(m, null, 0, Double.NaN, null, Map.of());
          return;
        }
      }
      Dataset<Row> snapshot = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES)
          .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(asOf))));
      SegmentModelSelection.requireFeatures(snapshot, settings.features());
      Row counts = context.steps().run("count snapshot", () -> snapshot.agg(count(lit(1)),
          settings.features().stream().map(f -> count(col(f))).toArray(Column[]::new)).first());
      long population = counts.getLong(0);
      if (population == 0) {
        throw new IllegalStateException(Tables.GOLD_CUSTOMER_FEATURES.relativePath() + " has no snapshot as of "
            + asOf + "; run kindred build-features --as-of " + asOf + " first");
      }
      m.addRowsIn(population);
      Set<String> dropped = SegmentModelSelection.nullThroughout(settings.features(), counts);
      if (!dropped.isEmpty()) {
        context.log().warn("features {} are null for every customer as of {} (social features not built yet?): "
            + "left out of this model", dropped, asOf);
      }
      if (dropped.size() == settings.features().size()) {
        throw new IllegalArgumentException("Every feature of kindred.segments.features " + settings.features()
            + " is null for every customer as of " + asOf + "; nothing to cluster on");
      }
      SegmentSpec base = new SegmentSpec(settings.features(), settings.logFeatures(), clustering, settings.kMin(),
          settings.seed(), settings.maxIterations()).without(dropped);
      m.detail("features", base.features()).detail("dropped_features", dropped).detail("restarts", settings.restarts());

      Dataset<Row> training = SegmentModelSelection.trainingSet(snapshot, population,
          settings.maxTrainingCustomers(), settings.seed(), base.features(), context.log())
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long trainingCustomers = context.steps().run("count training customers", training::count);
        m.detail("training_customers", trainingCustomers);
        long minSize = SegmentModelSelection.minSegmentSize(settings.minSegmentShare(), trainingCustomers);
        int kMax = SegmentModelSelection.kMax(settings.kMax(), trainingCustomers);
        SegmentModelSelection.Selection selection = SegmentModelSelection.sweep(training, base, settings.kMin(), kMax,
            settings.restarts(), minSize, context.steps(), context.log());
        List<SweepPoint> sweep = selection.sweep();
        SweepPoint chosen = selection.chosen();
        String version = context.runId();
        context.steps().run("write " + Tables.GOLD_SEGMENT_MODEL_SWEEPS.relativePath(),
            () -> DeltaWrites.append(spark, lake, Tables.GOLD_SEGMENT_MODEL_SWEEPS,
                SegmentModelSelection.sweepRows(version, asOf, context.runId(), clustering, sweep, chosen)));
        if (chosen == null) {
          throw new IllegalStateException("No k in " + settings.kMin() + ".." + kMax + " gives segments of at least "
              + minSize + " customers (kindred.segments.min-segment-share = " + settings.minSegmentShare() + " of "
              + trainingCustomers + "); smallest segment by k: " + sweep.stream().map(p -> p.k() + " -> "
                  + p.smallest()).toList() + ". Lower min-segment-share or k-max");
        }
        context.log().info(String.format(Locale.ROOT, "chose k=%d (silhouette %.4f)", chosen.k(), chosen.silhouette()));
        m.detail("k", chosen.k()).detail("silhouette", chosen.silhouette()).detail("version", version);
        SegmentSpec spec = base.withK(chosen.k());
        String path = lake.location(Layer.MODELS, "segments/" + version).uri();
        PipelineModel model = selection.model();
        context.steps().run("save model", () -> {
          try {
            model.write().overwrite().save(path);
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the segmentation model to " + path, e);
          }
        });
        Scaling scaling = SegmentPipeline.scaling(model, spec);
        double[][] centres = SegmentPipeline.centres(model);
        List<SegmentIdentities.PreviousSegment> before = previous.map(SegmentModels.Model::previousSegments)
            .orElse(List.of());
        int nextId = SegmentModels.maxIssuedId(spark, lake) + 1;
        SegmentIdentities.Match match = SegmentIdentities.match(centres, chosen.sizes(), before, scaling,
            settings.maxMatchDistance(), nextId);
        for (SegmentIdentities.Identity identity : match.identities()) {
          context.log().info("cluster {} -> segment {} ({})", identity.cluster(), identity.segmentId(),
              identity.describe());
        }
        if (!match.retired().isEmpty()) {
          context.log().info("retired segments: {}", match.retired());
        }

        Dataset<Row> segmented = CustomerSegments.withSegment(spark, SegmentPipeline.withCluster(model, snapshot),
            match.unnamedByCluster()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
          List<SegmentProfiles.Profile> profiles = context.steps().run("profile segments",
              () -> SegmentProfiles.profiles(segmented, spec.features()));
          Map<Integer, String> names = SegmentNames.modelNames(profiles, match, settings.naming(), settings.names());
          names.forEach((id, name) -> context.log().info("segment {}: {}", id, name));
          long profiled = profiles.subList(1, profiles.size()).stream().mapToLong(SegmentProfiles.Profile::customers)
              .sum();
          context.steps().run("write " + Tables.GOLD_SEGMENT_MODELS.relativePath(), () -> DeltaWrites.append(spark,
              lake, Tables.GOLD_SEGMENT_MODELS, List.of(SegmentModels.row(version, asOf, context.runId(), path, spec,
                  dropped, chosen, population, trainingCustomers, previous.map(SegmentModels.Model::version)
                      .orElse(null), settings.maxMatchDistance(), match, names, scaling, centres))));
          context.steps().run("write " + Tables.GOLD_SEGMENT_PROFILES.relativePath(),
              () -> writeProfiles(context, asOf, version, profiles, names));
          m.addRowsWritten(profiled);
          result[0] = new Result(m, version, chosen.k(), chosen.silhouette(), match, names);
        } finally {
          segmented.unpersist();
        }
      } finally {
        training.unpersist();
      }
    });
    return new Result(metrics, result[0].version(), result[0].k(), result[0].silhouette(), result[0].match(),
        result[0].names());
  }

  private static void writeProfiles(JobContext context, LocalDate asOf, String version,
      List<SegmentProfiles.Profile> profiles, Map<Integer, String> names) {
    Dataset<Row> rows = context.spark().createDataFrame(SegmentProfiles.rows(context.runId(), asOf, version,
        profiles, names), Tables.GOLD_SEGMENT_PROFILES.schema());
    DeltaWrites.replace(context.spark(), context.lake(), Tables.GOLD_SEGMENT_PROFILES, rows,
        SegmentProfileColumns.AS_OF + " = DATE'" + asOf + "'");
  }
}
