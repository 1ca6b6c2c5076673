package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.lake.Tables;
import io.kindred.ops.Steps;
import io.kindred.segments.SegmentModelSelection.Selection;
import io.kindred.segments.SegmentModelSelection.SweepPoint;
import io.kindred.testing.SharedSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SegmentModelSelectionTest {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentModelSelectionTest.class);
  private final SparkSession spark = SharedSpark.session();

  /** SegmentPipelineTest's three tight groups of four customers, far apart; z is null throughout. */
  private static final int[][] X = SegmentPipelineTest.X;
  private static final double[][] Y = SegmentPipelineTest.Y;

  private Dataset<Row> customers() {
    List<Row> rows = new ArrayList<>();
    for (int g = 0; g < 3; g++) {
      for (int i = 0; i < 4; i++) {
        rows.add(RowFactory.create("g" + g + "c" + i, X[g][i], Y[g][i], null));
      }
    }
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("x", DataTypes.IntegerType)
        .add("y", DataTypes.DoubleType).add("z", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  private static SweepPoint point(int k, double silhouette, long minSize, long... sizes) {
    return new SweepPoint(k, silhouette, sizes, minSize, 10);
  }

  @Test
  void theSweepChoosesTheAdmissibleKWithTheHighestSilhouette() {
    Dataset<Row> training = SegmentModelSelection.trainingSet(customers(), 12, 100, 1, List.of("x", "y"), LOG);
    SegmentSpec base = new SegmentSpec(List.of("x", "y"), List.of("y"), ClusteringAlgorithm.KMEANS, 2, 1, 50);
    long minSize = SegmentModelSelection.minSegmentSize(0.2, 12);

    Selection selection = SegmentModelSelection.sweep(training, base, 2, 4, 2, minSize, new Steps(LOG), LOG);

    assertEquals(List.of(2, 3, 4), selection.sweep().stream().map(SweepPoint::k).toList());
    assertEquals(3, selection.chosen().k());
    assertSame(selection.sweep().get(1), selection.chosen());
    long[] sizes = selection.chosen().sizes().clone();
    Arrays.sort(sizes);
    assertEquals("[4, 4, 4]", Arrays.toString(sizes));
    // k = 4 splits a group of four: a segment under the minimum of 3
    assertFalse(selection.sweep().get(2).admissible());
    assertTrue(selection.sweep().get(1).silhouette() > selection.sweep().get(0).silhouette());
    assertEquals(3, SegmentPipeline.centres(selection.model()).length);
  }

  @Test
  void noAdmissibleKChoosesNothing() {
    Dataset<Row> training = SegmentModelSelection.trainingSet(customers(), 12, 100, 1, List.of("x", "y"), LOG);
    SegmentSpec base = new SegmentSpec(List.of("x", "y"), List.of("y"), ClusteringAlgorithm.KMEANS, 2, 1, 50);

    Selection selection = SegmentModelSelection.sweep(training, base, 3, 3, 1, 5, new Steps(LOG), LOG);

    assertEquals(1, selection.sweep().size());
    assertNull(selection.chosen());
    assertNull(selection.model());
  }

  @Test
  void aPointBeatsTheBestSoFarOnlyWhenAdmissibleAndStrictlyBetter() {
    SweepPoint first = point(3, 0.5, 2, 4, 4, 4);
    assertTrue(SegmentModelSelection.beats(first, null));
    assertFalse(SegmentModelSelection.beats(point(4, 0.5, 2, 3, 3, 3, 3), first), "a tie keeps the smaller k");
    assertTrue(SegmentModelSelection.beats(point(4, 0.6, 2, 3, 3, 3, 3), first));
    assertFalse(SegmentModelSelection.beats(point(5, 0.9, 2, 3, 3, 3, 2, 1), first), "a segment under 2");
    assertFalse(SegmentModelSelection.beats(point(2, 0.9, 0, 12, 0), null), "an empty segment");
  }

  @Test
  void theMinimumSizeRoundsUpAndKStaysBelowTheTrainingCustomers() {
    assertEquals(3, SegmentModelSelection.minSegmentSize(0.2, 12));
    assertEquals(2, SegmentModelSelection.minSegmentSize(0.2, 10));
    assertEquals(8, SegmentModelSelection.kMax(8, 100));
    assertEquals(4, SegmentModelSelection.kMax(8, 5));
  }

  @Test
  void featuresNullThroughoutAreThoseWithoutANonNullValue() {
    assertEquals(Set.of("z"), SegmentModelSelection.nullThroughout(List.of("x", "z", "y"),
        RowFactory.create(12L, 12L, 0L, 7L)));
    assertEquals(List.of("x", "z"), List.copyOf(SegmentModelSelection.nullThroughout(List.of("x", "z"),
        RowFactory.create(12L, 0L, 0L))));
  }

  @Test
  void aFeatureMissingFromTheSnapshotIsNamedWithTheColumnsPresent() {
    SegmentModelSelection.requireFeatures(customers(), List.of("x", "z"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SegmentModelSelection.requireFeatures(customers(), List.of("x", "w")));
    assertEquals("kindred.segments.features names [w], not columns of gold/customer_features; its columns are "
        + "customer_id, x, y, z", e.getMessage());
  }

  @Test
  void theTrainingSetIsTheCustomersAndFeaturesSampledDownToTheMaximum() {
    Dataset<Row> all = SegmentModelSelection.trainingSet(customers(), 12, 12, 1, List.of("y"), LOG);
    assertEquals(List.of("customer_id", "y"), List.of(all.columns()));
    assertEquals(12, all.count());

    Dataset<Row> sampled = SegmentModelSelection.trainingSet(customers(), 12, 5, 1, List.of("x"), LOG);
    assertEquals(List.of("customer_id", "x"), List.of(sampled.columns()));
    assertTrue(sampled.count() <= 5);
  }

  @Test
  void sweepRowsFollowTheSweepTableAndMarkTheChosenK() {
    SweepPoint two = point(2, 0.4, 3, 8, 4);
    SweepPoint three = point(3, 0.7, 3, 4, 4, 4);
    SweepPoint four = point(4, 0.6, 3, 4, 4, 2, 2);

    List<Row> rows = SegmentModelSelection.sweepRows("v1", LocalDate.of(2026, 3, 4), "run-1",
        ClusteringAlgorithm.BISECTING_KMEANS, List.of(two, three, four), three);

    List<Row> read = spark.createDataFrame(rows, Tables.GOLD_SEGMENT_MODEL_SWEEPS.schema()).collectAsList();
    Date day = Date.valueOf("2026-03-04");
    assertEquals(List.of(
        RowFactory.create("v1", day, "run-1", "bisecting-kmeans", 2, 0.4, List.of(8L, 4L), 4L, 3L, true, false, 10L),
        RowFactory.create("v1", day, "run-1", "bisecting-kmeans", 3, 0.7, List.of(4L, 4L, 4L), 4L, 3L, true, true,
            10L),
        RowFactory.create("v1", day, "run-1", "bisecting-kmeans", 4, 0.6, List.of(4L, 4L, 2L, 2L), 2L, 3L, false,
            false, 10L)),
        read.stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5),
            r.getList(6), r.get(7), r.get(8), r.get(9), r.get(10), r.get(11))).toList());
  }
}
