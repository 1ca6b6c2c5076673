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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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

  /** L1 distance within which a run that stopped at tolerance tol is of the exact ranks: tol * d / (1 - d). */
  private static double bound(WeightedPageRank pageRank) {
    return pageRank.tolerance() * pageRank.damping() / (1 - pageRank.damping());
  }

  /** SMALL a night later: A liked B's post, and L, new, commented on C's. */
  static final List<Edge> SMALL_NEXT = new ArrayList<>(SMALL);

  static {
    SMALL_NEXT.add(new Edge("A", "B", 0.5));
    SMALL_NEXT.add(new Edge("L", "C", 1));
  }

  @Test
  void warmStartFromTheEveningBeforeReachesTheColdFixedPointInFewerIterations() {
    WeightedPageRank pageRank = new WeightedPageRank();
    Map<String, Double> exact = GraphFixtures.exactPageRank(SMALL_NEXT, SMALL_NODES, 0.85);
    Dataset<Row> edges = GraphFixtures.edges(spark, SMALL_NEXT);
    Dataset<Row> nodes = GraphFixtures.nodes(spark, SMALL_NODES);
    // the prior: the previous night's ranks (of SMALL, where L does not exist yet), plus a user gone since
    List<Row> priorRows = new ArrayList<>();
    GraphFixtures.exactPageRank(SMALL, SMALL_NODES, 0.85).forEach((id, r) -> priorRows.add(RowFactory.create(id, r)));
    priorRows.add(RowFactory.create("GONE", 0.2));
    Dataset<Row> prior = spark.createDataFrame(priorRows, WeightedPageRank.SCHEMA);

    WeightedPageRank.Result cold = pageRank.run(edges, nodes);
    WeightedPageRank.Result warm;
    try (SocialGraph graph = SocialGraph.of(edges, nodes)) {
      warm = pageRank.run(graph, prior);
    }

    System.out.printf("PageRank on 12 users, a night later: cold %d iterations, warm %d; start L1 error cold %.3g, "
        + "warm %.3g%n", cold.iterations(), warm.iterations(), l1(exact, uniformRows(exact)), l1(exact,
        prior.filter("id != 'GONE'").collectAsList()));
    assertEquals(WeightedPageRank.SCHEMA, warm.ranks().schema());
    assertRanks(exact, warm.ranks().collectAsList(), bound(pageRank));
    assertTrue(l1(exact, warm.ranks().collectAsList()) <= bound(pageRank), "L1 error of the warm start");
    assertTrue(l1(exact, cold.ranks().collectAsList()) <= bound(pageRank), "L1 error of the cold start");
    assertTrue(warm.lastChange() < pageRank.tolerance());
    assertTrue(warm.iterations() < cold.iterations(), "warm " + warm.iterations() + ", cold " + cold.iterations());
  }

  @Test
  void warmStartAtTheFixedPointStopsAfterOneIterationAndAnyScaleOfThePriorWorks() {
    Map<String, Double> exact = GraphFixtures.exactPageRank(SMALL, SMALL_NODES, 0.85);
    List<Row> atFixedPoint = new ArrayList<>();
    List<Row> scaled = new ArrayList<>();
    exact.forEach((id, r) -> {
      atFixedPoint.add(RowFactory.create(id, r));
      scaled.add(RowFactory.create(id, 7 * r));  // e.g. influence rather than PageRank: renormalised
    });

    try (SocialGraph graph = SocialGraph.of(GraphFixtures.edges(spark, SMALL), GraphFixtures.nodes(spark,
        SMALL_NODES))) {
      WeightedPageRank.Result fixed = new WeightedPageRank().run(graph,
          spark.createDataFrame(atFixedPoint, WeightedPageRank.SCHEMA));
      WeightedPageRank.Result fromScaled = new WeightedPageRank().run(graph,
          spark.createDataFrame(scaled, WeightedPageRank.SCHEMA));

      assertEquals(1, fixed.iterations());
      assertRanks(exact, fixed.ranks().collectAsList(), 1e-12);
      assertEquals(1, fromScaled.iterations());
      assertRanks(exact, fromScaled.ranks().collectAsList(), 1e-12);
    }
  }

  @Test
  void warmStartOnPlantedHubsWithOnePercentOfEdgesChangedMatchesThePowerMethod() {
    Planted planted = Planted.generate(7, 20, 50, 0.3, 0.002, 5, 150);
    List<Edge> yesterday = new ArrayList<>();
    for (int i = 0; i < planted.edges().size(); i++) {
      if (i % 100 != 0) {
        yesterday.add(planted.edges().get(i));
      }
    }
    List<Row> prior = new ArrayList<>();
    GraphFixtures.powerMethodPageRank(yesterday, List.of(), 0.85).forEach((id, r) -> prior.add(RowFactory.create(id,
        r)));
    Map<String, Double> expected = GraphFixtures.powerMethodPageRank(planted.edges(), List.of(), 0.85);
    WeightedPageRank pageRank = new WeightedPageRank();

    WeightedPageRank.Result cold;
    WeightedPageRank.Result warm;
    try (SocialGraph graph = SocialGraph.of(GraphFixtures.edges(spark, planted.edges()))) {
      cold = pageRank.run(graph);
      warm = pageRank.run(graph, spark.createDataFrame(prior, WeightedPageRank.SCHEMA));
    }

    System.out.printf("PageRank on 1,005 planted users, 1%% of edges new: cold %d iterations, warm %d; start L1 "
        + "error cold %.3g, warm %.3g%n", cold.iterations(), warm.iterations(), l1(expected, uniformRows(expected)),
        l1(expected, prior));
    assertTrue(l1(expected, warm.ranks().collectAsList()) <= bound(pageRank));
    assertTrue(l1(expected, cold.ranks().collectAsList()) <= bound(pageRank));
    assertTrue(warm.iterations() < cold.iterations(), "warm " + warm.iterations() + ", cold " + cold.iterations());
  }

  @Test
  void rejectsAPriorWithANegativeRankOrARepeatedId() {
    Dataset<Row> edges = GraphFixtures.edges(spark, SMALL);
    try (SocialGraph graph = SocialGraph.of(edges)) {
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new WeightedPageRank()
          .run(graph, spark.createDataFrame(List.of(RowFactory.create("A", 0.5), RowFactory.create("B", -0.1)),
              WeightedPageRank.SCHEMA)));
      IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class, () -> new WeightedPageRank()
          .run(graph, spark.createDataFrame(List.of(RowFactory.create("A", 0.5), RowFactory.create("B", 0.1),
              RowFactory.create("A", 0.4)), WeightedPageRank.SCHEMA)));

      assertEquals("The prior ranks must have a non-null id and a finite pagerank >= 0 in every row; 1 of 2 rows do "
          + "not, the first: {\"id\":\"B\",\"pagerank\":-0.1}", negative.getMessage());
      assertEquals("The prior ranks must name each id once; 1 rows repeat an id, the first: 'A' (2 rows)",
          repeated.getMessage());
    }
  }

  private static List<Row> uniformRows(Map<String, Double> ids) {
    List<Row> rows = new ArrayList<>();
    ids.keySet().forEach(id -> rows.add(RowFactory.create(id, 1.0 / ids.size())));
    return rows;
  }

  private static double l1(Map<String, Double> expected, List<Row> actual) {
    double sum = 0;
    Map<String, Double> seen = new HashMap<>(expected);
    for (Row row : actual) {
      sum += Math.abs(expected.getOrDefault(row.getString(0), 0.0) - row.getDouble(1));
      seen.remove(row.getString(0));
    }
    for (double missing : seen.values()) {
      sum += missing;
    }
    return sum;
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
