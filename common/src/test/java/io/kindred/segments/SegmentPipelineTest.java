package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.testing.SharedSpark;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SegmentPipelineTest {

  private final SparkSession spark = SharedSpark.session();

  /** Three tight groups of four customers: x (days, plain) and y (dollars, log1p), far apart. */
  static final int[][] X = {{1, 2, 3, 2}, {50, 52, 51, 53}, {100, 101, 99, 100}};
  static final double[][] Y = {{10, 12, 11, 9}, {1000, 1100, 900, 1000}, {10, 11, 12, 13}};

  private Dataset<Row> customers() {
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < 4; i++) {
        rows.add(RowFactory.create("g" + g + "c" + i, X[g][i], BigDecimal.valueOf(Y[g][i]).setScale(2)));
      }
    }
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("x", DataTypes.IntegerType)
        .add("y", DataTypes.createDecimalType(18, 2));
    return spark.createDataFrame(rows, schema);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  private static double sampleSd(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double d : v) {
      s += (d - m) * (d - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  @Test
  void theFittedPipelineFindsTheGroupsAndReportsCentresInOriginalUnits() {
    SegmentSpec spec = new SegmentSpec(List.of("x", "y"), List.of("y"), ClusteringAlgorithm.KMEANS, 3, 1, 50);

    PipelineModel model = SegmentPipeline.pipeline(spec).fit(customers());
    Dataset<Row> clustered = SegmentPipeline.withCluster(model, customers());

    // every group is one cluster
    Map<String, Integer> clusterOfGroup = new HashMap<>();
    for (Row r : clustered.select("customer_id", SegmentPipeline.CLUSTER).collectAsList()) {
      String group = r.getString(0).substring(0, 2);
      Integer seen = clusterOfGroup.putIfAbsent(group, r.getInt(1));
      assertEquals(seen == null ? r.getInt(1) : seen, r.getInt(1), "customer " + r.getString(0));
    }
    assertEquals(3, new java.util.HashSet<>(clusterOfGroup.values()).size());
    assertEquals(List.of("customer_id", "x", "y", SegmentPipeline.SCALED, SegmentPipeline.CLUSTER),
        List.of(clustered.columns()));
    assertArrayEquals(new long[] {4, 4, 4}, SegmentPipeline.clusterSizes(clustered, 3));

    // the scaler's figures: mean and sample standard deviation of x and of log1p(y)
    double[] xs = new double[12];
    double[] logYs = new double[12];
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < 4; i++) {
        xs[g * 4 + i] = X[g][i];
        logYs[g * 4 + i] = Math.log1p(Y[g][i]);
      }
    }
    Scaling scaling = SegmentPipeline.scaling(model, spec);
    assertArrayEquals(new double[] {mean(xs), mean(logYs)}, scaling.mean(), 1e-9);
    assertArrayEquals(new double[] {sampleSd(xs), sampleSd(logYs)}, scaling.std(), 1e-9);

    // a centre is its group's mean x and expm1 of its group's mean log1p(y)
    double[][] centres = SegmentPipeline.centres(model);
    for (int g = 0; g < 3; g++) {
      Map<String, Double> centre = scaling.toOriginal(centres[clusterOfGroup.get("g" + g)]);
      double[] x = java.util.Arrays.stream(X[g]).asDoubleStream().toArray();
      double[] logY = java.util.Arrays.stream(Y[g]).map(Math::log1p).toArray();
      assertEquals(mean(x), centre.get("x"), 1e-9, "x of group " + g);
      assertEquals(Math.expm1(mean(logY)), centre.get("y"), 1e-9, "y of group " + g);
    }
  }

  @Test
  void theSilhouetteIsSparksSquaredEuclideanSilhouette() {
    SegmentSpec spec = new SegmentSpec(List.of("x", "y"), List.of("y"), ClusteringAlgorithm.KMEANS, 2, 1, 50);
    Dataset<Row> clustered = SegmentPipeline.withCluster(SegmentPipeline.pipeline(spec).fit(customers()),
        customers());
    List<Row> rows = clustered.select(SegmentPipeline.SCALED, SegmentPipeline.CLUSTER).collectAsList();

    // by hand: a = mean squared distance to the others of one's cluster, b = least mean squared distance to another
    // cluster's members, s = (b - a) / max(a, b), averaged over customers
    double total = 0;
    for (Row i : rows) {
      double[] p = ((org.apache.spark.ml.linalg.Vector) i.get(0)).toArray();
      Map<Integer, double[]> sums = new HashMap<>();
      for (Row j : rows) {
        double[] q = ((org.apache.spark.ml.linalg.Vector) j.get(0)).toArray();
        double d = 0;
        for (int k = 0; k < p.length; k++) {
          d += (p[k] - q[k]) * (p[k] - q[k]);
        }
        sums.computeIfAbsent(j.getInt(1), c -> new double[2]);
        sums.get(j.getInt(1))[0] += d;
        sums.get(j.getInt(1))[1] += 1;
      }
      double[] own = sums.get(i.getInt(1));
      double a = own[0] / (own[1] - 1);
      double b = sums.entrySet().stream().filter(e -> e.getKey() != i.getInt(1))
          .mapToDouble(e -> e.getValue()[0] / e.getValue()[1]).min().orElseThrow();
      total += (b - a) / Math.max(a, b);
    }

    assertEquals(total / rows.size(), SegmentPipeline.silhouette(clustered), 1e-9);
  }

  @Test
  void everyAlgorithmClustersTheGroupsAndANullFeatureIsImputed() {
    List<Row> rows = new ArrayList<>(customers().collectAsList());
    rows.add(RowFactory.create("nulls", null, BigDecimal.valueOf(1000).setScale(2)));
    Dataset<Row> withNulls = spark.createDataFrame(rows, customers().schema());
    for (ClusteringAlgorithm algorithm : ClusteringAlgorithm.values()) {
      SegmentSpec spec = new SegmentSpec(List.of("x", "y"), List.of("y"), algorithm, 3, 1, 100);
      Dataset<Row> clustered = SegmentPipeline.withCluster(SegmentPipeline.pipeline(spec).fit(withNulls), withNulls);
      Map<String, java.util.Set<String>> byCluster = new java.util.TreeMap<>();
      for (Row r : clustered.select("customer_id", SegmentPipeline.CLUSTER).collectAsList()) {
        byCluster.computeIfAbsent(String.valueOf(r.getInt(1)), c -> new java.util.TreeSet<>())
            .add(r.getString(0).equals("nulls") ? "nulls" : r.getString(0).substring(0, 2));
      }
      // the customer without x gets the median x (50 or 51 of the 12 known): with y = 1000, the middle group
      assertEquals(java.util.Set.of(java.util.Set.of("g0"), java.util.Set.of("g1", "nulls"), java.util.Set.of("g2")),
          new java.util.HashSet<>(byCluster.values()), algorithm.code());
    }
  }

  @Test
  void aSweepsSharedPreparationFitsWhatTheWholePipelineFits() {
    // k = 2 on three groups, with a null to impute: an ambiguous fit whose result depends on every input value
    List<Row> rows = new ArrayList<>(customers().collectAsList());
    rows.add(RowFactory.create("nulls", null, BigDecimal.valueOf(1000).setScale(2)));
    Dataset<Row> training = spark.createDataFrame(rows, customers().schema()).cache();
    for (ClusteringAlgorithm algorithm : ClusteringAlgorithm.values()) {
      SegmentSpec spec = new SegmentSpec(List.of("x", "y"), List.of("y"), algorithm, 2, 7, 100);
      PipelineModel whole = SegmentPipeline.pipeline(spec).fit(training);
      PipelineModel preparation = SegmentPipeline.preparation(spec).fit(training);
      Dataset<Row> prepared = preparation.transform(training);
      PipelineModel shared = SegmentPipeline.withClustering(preparation, spec, prepared, training);
      assertEquals(whole.stages().length, shared.stages().length, algorithm.code());
      for (int i = 0; i < whole.stages().length; i++) {
        assertEquals(whole.stages()[i].getClass(), shared.stages()[i].getClass(), algorithm.code() + " stage " + i);
      }
      double[][] expected = SegmentPipeline.centres(whole);
      double[][] actual = SegmentPipeline.centres(shared);
      assertEquals(expected.length, actual.length, algorithm.code());
      for (int c = 0; c < expected.length; c++) {
        assertArrayEquals(expected[c], actual[c], 0.0, algorithm.code() + " centre " + c);
      }
      assertArrayEquals(SegmentPipeline.scaling(whole, spec).mean(), SegmentPipeline.scaling(shared, spec).mean(),
          0.0, algorithm.code());
      assertArrayEquals(SegmentPipeline.scaling(whole, spec).std(), SegmentPipeline.scaling(shared, spec).std(), 0.0,
          algorithm.code());
      assertEquals(SegmentPipeline.withCluster(whole, training).select("customer_id", SegmentPipeline.CLUSTER)
          .collectAsList(), SegmentPipeline.withCluster(shared, training).select("customer_id",
          SegmentPipeline.CLUSTER).collectAsList(), algorithm.code());
    }
    training.unpersist();
  }
}
