package io.kindred.segments;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.GaussianMixtureModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The segmentation model as an MLlib {@link Pipeline} of built-in stages, saved and loaded whole:
 *
 * <ol>
 *   <li>{@link SQLTransformer}: each feature as a double, through {@code log1p(greatest(x, 0))} for the log
 *       features (a null stays null);</li>
 *   <li>{@link Imputer}: nulls and NaNs replaced by the training median of their feature;</li>
 *   <li>{@link VectorAssembler} then {@link StandardScaler} (mean 0, standard deviation 1; bisecting k-means gets
 *       the standard deviation scaling only, see {@link #preparation});</li>
 *   <li>the clustering stage ({@link KMeans}, {@link BisectingKMeans} or {@link GaussianMixture}), whose prediction
 *       is {@link #CLUSTER}.</li>
 * </ol>
 */
public final class SegmentPipeline {

  /** The clustering stage's prediction: the cluster index, 0..k-1. */
  public static final String CLUSTER = "segment_cluster";
  /** The scaled feature vector the clustering stage sees. */
  public static final String SCALED = "segment_scaled_features";
  private static final String VECTOR = "segment_raw_features";
  private static final String PROBABILITY = "segment_probability";
  private static final String INPUT = "_segment_in_";
  private static final String IMPUTED = "_segment_imputed_";

  private SegmentPipeline() {
  }

  /** The unfitted pipeline for {@code spec}. */
  public static Pipeline pipeline(SegmentSpec spec) {
    PipelineStage[] preparation = preparation(spec).getStages();
    PipelineStage[] stages = Arrays.copyOf(preparation, preparation.length + 1);
    stages[preparation.length] = clustering(spec);
    return new Pipeline().setStages(stages);
  }

  /**
   * The stages of {@link #pipeline} before the clustering (double casts, imputer, assembler, scaler), unfitted. They
   * depend on the features and the algorithm, not on k or the seed: a sweep fits them once and each k and start fits
   * only the clustering, on the prepared rows ({@link #withClustering}).
   */
  public static Pipeline preparation(SegmentSpec spec) {
    String[] inputs = spec.features().stream().map(f -> INPUT + f).toArray(String[]::new);
    String[] imputed = spec.features().stream().map(f -> IMPUTED + f).toArray(String[]::new);
    SQLTransformer asDoubles = new SQLTransformer().setStatement("SELECT *, " + spec.features().stream()
        .map(f -> (spec.isLog(f) ? "log1p(greatest(CAST(`" + f + "` AS DOUBLE), 0D))" : "CAST(`" + f + "` AS DOUBLE)")
            + " AS `" + INPUT + f + "`")
        .collect(Collectors.joining(", ")) + " FROM __THIS__");
    Imputer imputer = new Imputer().setInputCols(inputs).setOutputCols(imputed).setStrategy("median");
    VectorAssembler assembler = new VectorAssembler().setInputCols(imputer.getOutputCols()).setOutputCol(VECTOR);
    // Bisecting k-means splits a cluster by nudging its centre by 1e-4 times the centre's norm: the root of centred
    // data is the origin, so it would never split. It gets the features divided by their standard deviations only
    // (same distances, so the same clusters).
    StandardScaler scaler = new StandardScaler().setInputCol(assembler.getOutputCol()).setOutputCol(SCALED)
        .setWithMean(spec.algorithm() != ClusteringAlgorithm.BISECTING_KMEANS).setWithStd(true);
    return new Pipeline().setStages(new PipelineStage[] {asDoubles, imputer, assembler, scaler});
  }

  /** The clustering stage of {@link #pipeline}, unfitted: it reads {@link #SCALED} and predicts {@link #CLUSTER}. */
  public static PipelineStage clustering(SegmentSpec spec) {
    return switch (spec.algorithm()) {
      case KMEANS -> new KMeans().setK(spec.k()).setSeed(spec.seed()).setMaxIter(spec.maxIterations())
          .setFeaturesCol(SCALED).setPredictionCol(CLUSTER);
      case BISECTING_KMEANS -> new BisectingKMeans().setK(spec.k()).setSeed(spec.seed())
          .setMaxIter(spec.maxIterations()).setFeaturesCol(SCALED).setPredictionCol(CLUSTER);
      case GAUSSIAN_MIXTURE -> new GaussianMixture().setK(spec.k()).setSeed(spec.seed())
          .setMaxIter(spec.maxIterations()).setFeaturesCol(SCALED).setPredictionCol(CLUSTER)
          .setProbabilityCol(PROBABILITY);
    };
  }

  /**
   * The fitted model of {@code spec}: the fitted {@code preparation} ({@link #preparation}) followed by the
   * clustering fitted on {@code prepared} (the training rows through {@code preparation}), so that a sweep fits the
   * preparation once rather than once per k and start. The same stages and values as
   * {@code pipeline(spec).fit(training)}, which fits the same preparation on the same rows. Leave {@code prepared}
   * uncached: the clustering then caches its own instances, which it iterates over several times faster than over a
   * cached DataFrame of vectors.
   *
   * @param training the training rows (as given to the preparation's fit)
   */
  public static PipelineModel withClustering(PipelineModel preparation, SegmentSpec spec, Dataset<Row> prepared,
      Dataset<Row> training) {
    Transformer fitted = ((org.apache.spark.ml.Estimator<?>) clustering(spec)).fit(prepared);
    Transformer[] prepStages = preparation.stages();
    PipelineStage[] stages = Arrays.copyOf(prepStages, prepStages.length + 1, PipelineStage[].class);
    stages[prepStages.length] = fitted;
    // every stage is fitted already: Pipeline.fit checks the schema and passes no data
    return new Pipeline().setStages(stages).fit(training);
  }

  /** Adds {@link #CLUSTER} and {@link #SCALED} to {@code features}, dropping the model's other working columns. */
  public static Dataset<Row> withCluster(PipelineModel model, Dataset<Row> features) {
    Dataset<Row> out = model.transform(features);
    List<String> working = Arrays.stream(out.columns())
        .filter(c -> c.startsWith(INPUT) || c.startsWith(IMPUTED) || c.equals(VECTOR) || c.equals(PROBABILITY))
        .toList();
    return out.drop(working.toArray(String[]::new));
  }

  /** Mean silhouette (squared Euclidean) of a frame from {@link #withCluster}. */
  public static double silhouette(Dataset<Row> clustered) {
    return new ClusteringEvaluator().setFeaturesCol(SCALED).setPredictionCol(CLUSTER)
        .setMetricName("silhouette").setDistanceMeasure("squaredEuclidean")
        .evaluate(clustered.select(col(SCALED), col(CLUSTER).cast("int").as(CLUSTER)));
  }

  /** Customers per cluster index 0..k-1 of a frame from {@link #withCluster} (0 for an empty cluster). */
  public static long[] clusterSizes(Dataset<Row> clustered, int k) {
    long[] sizes = new long[k];
    for (Row r : clustered.groupBy(col(CLUSTER)).agg(functions.count(functions.lit(1))).collectAsList()) {
      sizes[r.getInt(0)] = r.getLong(1);
    }
    return sizes;
  }

  /**
   * How the fitted model scales its features: its StandardScaler's mean (zeros when it does not centre) and
   * standard deviation.
   */
  public static Scaling scaling(PipelineModel model, SegmentSpec spec) {
    StandardScalerModel scaler = stage(model, StandardScalerModel.class);
    double[] mean = scaler.getWithMean() ? scaler.mean().toArray() : new double[spec.features().size()];
    return new Scaling(spec.features(), spec.logFeatures(), mean, scaler.std().toArray());
  }

  /**
   * The fitted clustering stage's objective on its training data, lower is better: k-means' and bisecting k-means'
   * training cost (the sum of squared distances to the nearest centre), a mixture's negative log-likelihood.
   */
  public static double trainingCost(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    if (last instanceof KMeansModel kmeans) {
      return kmeans.summary().trainingCost();
    } else if (last instanceof BisectingKMeansModel bisecting) {
      return bisecting.summary().trainingCost();
    } else if (last instanceof GaussianMixtureModel mixture) {
      return -mixture.summary().logLikelihood();
    }
    throw new IllegalArgumentException("The model's last stage is a " + last.getClass().getSimpleName()
        + "; expected a KMeansModel, BisectingKMeansModel or GaussianMixtureModel");
  }

  /** The fitted clusters' centres in the clustering space, by cluster index (a mixture's component means). */
  public static double[][] centres(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    Vector[] centres;
    if (last instanceof KMeansModel kmeans) {
      centres = kmeans.clusterCenters();
    } else if (last instanceof BisectingKMeansModel bisecting) {
      centres = bisecting.clusterCenters();
    } else if (last instanceof GaussianMixtureModel mixture) {
      centres = Arrays.stream(mixture.gaussians()).map(g -> g.mean()).toArray(Vector[]::new);
    } else {
      throw new IllegalArgumentException("The model's last stage is a " + last.getClass().getSimpleName()
          + "; expected a KMeansModel, BisectingKMeansModel or GaussianMixtureModel");
    }
    List<double[]> out = new ArrayList<>();
    for (Vector v : centres) {
      out.add(v.toArray());
    }
    return out.toArray(double[][]::new);
  }

  private static <T extends Transformer> T stage(PipelineModel model, Class<T> type) {
    for (Transformer t : model.stages()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new IllegalArgumentException("The segmentation model has no " + type.getSimpleName() + " stage");
  }
}
