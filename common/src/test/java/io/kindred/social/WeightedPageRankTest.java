package io.kindred.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.social.GraphFixtures.Edge;
import io.kindred.social.GraphFixtures.Planted;
import io.kindred.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class WeightedPageRankTest {

  private final SparkSession spark = SharedSpark.session();

  /**
   * Eleven users: duplicates (A->C twice), self-loops (H->H, C->C), dangling users (G, I), users nobody links to
   * (D, H) and K, isolated, known only from the node list.
   */
  static final List<Edge> SMALL = List.of(
      new Edge("A", "B", 1), new Edge("A", "C", 2), new Edge("A", "C", 1), new Edge("B", "C", 1),
      new Edge("C", "A", 3), new Edge("D", "C", 1), new Edge("D", "E", 0.5), new Edge("E", "A", 2),
      new Edge("E", "F", 1), new Edge("F", "G", 4), new Edge("H", "I", 1), new Edge("H", "H", 5),
      new Edge("J", "A", 1), new Edge("B", "J", 2), new Edge("C", "C", 1));
  static final List<String> SMALL_NODES = List.of("K", "A");

  @Test
  void ranksEqualTheExactSolutionWithDanglingDuplicateAndIsolatedUsers() {
    Map<String, Double> expected = GraphFixtures.exactPageRank(SMALL, SMALL_NODES, 0.85);

    WeightedPageRank.Result result = new WeightedPageRank().run(
        GraphFixtures.edges(spark, SMALL), GraphFixtures.nodes(spark, SMALL_NODES));

    assertEquals(WeightedPageRank.SCHEMA, result.ranks().schema());
    assertRanks(expected, result.ranks().collectAsList(), 1e-8);
    assertTrue(result.lastChange() < 1e-9, "last change " + result.lastChange());
    assertTrue(result.iterations() > 1, "iterations " + result.iterations());
  }

  @Test
  void dampingIsTheCallers() {
    Map<String, Double> expected = GraphFixtures.exactPageRank(SMALL, SMALL_NODES, 0.6);

    WeightedPageRank.Result result = new WeightedPageRank().withDamping(0.6).withTolerance(1e-12).run(
        GraphFixtures.edges(spark, SMALL), GraphFixtures.nodes(spark, SMALL_NODES));

    assertRanks(expected, result.ranks().collectAsList(), 1e-11);
  }

  @Test
  void exactSolutionSumsToOneAndGivesIsolatedUserTheBaseline() {
    // Guards the reference itself: ranks sum to 1; K, isolated, gets (1-d)/n + d*D/n with D = r(G)+r(I)+r(K).
    Map<String, Double> exact = GraphFixtures.exactPageRank(SMALL, SMALL_NODES, 0.85);
    assertEquals(11, exact.size());
    assertEquals(1.0, exact.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    double dangling = exact.get("G") + exact.get("I") + exact.get("K");
    assertEquals(0.15 / 11 + 0.85 * dangling / 11, exact.get("K"), 1e-15);
    // D and H are linked by nobody: they get the same baseline as K.
    assertEquals(exact.get("K"), exact.get("D"), 1e-15);
    assertEquals(exact.get("K"), exact.get("H"), 1e-15);
  }

  @Test
  void plantedHubsRankInTheTopPercentAndAllRanksMatchThePowerMethod() {
    Planted planted = Planted.generate(7, 20, 50, 0.3, 0.002, 5, 150);
    Map<String, Double> expected = GraphFixtures.powerMethodPageRank(planted.edges(), List.of(), 0.85);

    WeightedPageRank.Result result = new WeightedPageRank().run(GraphFixtures.edges(spark, planted.edges()), null);

    List<Row> rows = result.ranks().collectAsList();
    assertRanks(expected, rows, 1e-8);
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingDouble((Row r) -> -r.getDouble(1)));
    int top = (int) Math.ceil(0.01 * rows.size());
    assertEquals(1005, rows.size());
    assertEquals(11, top);
    List<String> topIds = sorted.subList(0, top).stream().map(r -> r.getString(0)).toList();
    assertTrue(topIds.containsAll(planted.hubs()), "hubs " + planted.hubs() + " not all in top " + topIds);
  }

  @Test
  void failsWhenNotConvergedWithinTheIterationLimit() {
    double change = GraphFixtures.powerMethod(SMALL, SMALL_NODES, 0.85, 3, 0).lastChange();

    NotConvergedException e = assertThrows(NotConvergedException.class, () -> new WeightedPageRank()
        .withMaxIterations(3).run(GraphFixtures.edges(spark, SMALL), GraphFixtures.nodes(spark, SMALL_NODES)));

    assertEquals("PageRank did not converge within 3 iterations: the L1 change of the rank vector was "
        + String.format(java.util.Locale.ROOT, "%.3g", change) + " in the last iteration, tolerance 1.00e-09 "
        + "(11 vertices, damping 0.85); raise maxIterations or the tolerance", e.getMessage());
    assertTrue(change > 0.01, "reference change " + change);
  }

  @Test
  void emptyGraphGivesNoRanks() {
    WeightedPageRank.Result result = new WeightedPageRank().run(GraphFixtures.edges(spark, List.of()), null);
    assertEquals(WeightedPageRank.SCHEMA, result.ranks().schema());
    assertEquals(0, result.ranks().count());
    assertEquals(0, result.iterations());
  }

  @Test
  void usersWithoutEdgesShareTheRankEqually() {
    WeightedPageRank.Result result = new WeightedPageRank().run(GraphFixtures.edges(spark, List.of()),
        GraphFixtures.nodes(spark, List.of("S00000002", "C00000001", "C00000003", "S00000004")));
    assertRanks(Map.of("C00000001", 0.25, "C00000003", 0.25, "S00000002", 0.25, "S00000004", 0.25),
        result.ranks().collectAsList(), 1e-15);
  }

  @Test
  void rejectsANonPositiveWeightNamingTheEdge() {
    List<Edge> edges = List.of(new Edge("A", "B", 1), new Edge("B", "C", -2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new WeightedPageRank().run(GraphFixtures.edges(spark, edges), null));
    assertEquals("Edges must have non-empty src and dst and a finite weight > 0; 1 of 2 edges do not, the first: "
        + "{\"src\":\"B\",\"dst\":\"C\",\"weight\":-2.0}", e.getMessage());
  }

  @Test
  void rejectsAMissingColumnNamingThosePresent() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WeightedPageRank().run(
        GraphFixtures.edges(spark, List.of(new Edge("A", "B", 1))).withColumnRenamed("src", "actor"), null));
    assertEquals("The edges have no column 'src' (string); columns present: [actor, dst, weight]", e.getMessage());
  }

  @Test
  void rejectsADampingOutsideZeroToOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new WeightedPageRank().withDamping(1.0));
    assertEquals("PageRank damping must be in (0, 1), got 1.0", e.getMessage());
  }

  static void assertRanks(Map<String, Double> expected, List<Row> actual, double tolerance) {
    Map<String, Double> byId = new HashMap<>();
    for (Row row : actual) {
      assertEquals(null, byId.put(row.getString(0), row.getDouble(1)), "duplicate id " + row.getString(0));
    }
    assertEquals(expected.keySet(), byId.keySet());
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      assertEquals(e.getValue(), byId.get(e.getKey()), tolerance, "rank of " + e.getKey());
    }
  }
}
