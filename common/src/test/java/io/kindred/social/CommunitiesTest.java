package io.kindred.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.social.GraphFixtures.Edge;
import io.kindred.social.GraphFixtures.Planted;
import io.kindred.testing.SharedSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class CommunitiesTest {

  private final SparkSession spark = SharedSpark.session();

  /** Two triangles (one with a duplicated edge) joined by a weak edge C->D, and Z known only from the node list. */
  static final List<Edge> TRIANGLES = List.of(
      new Edge("A", "B", 1), new Edge("A", "B", 1), new Edge("B", "C", 2), new Edge("C", "A", 1),
      new Edge("D", "E", 1), new Edge("E", "F", 1), new Edge("F", "D", 1), new Edge("C", "D", 0.5));

  @Test
  void twoTrianglesAndAnIsolatedUserAreThreeCommunitiesNamedByTheirSmallestMember() {
    Communities.Result result = new Communities().run(GraphFixtures.edges(spark, TRIANGLES),
        GraphFixtures.nodes(spark, List.of("Z")));

    assertEquals(Communities.SCHEMA.simpleString(), result.communities().schema().simpleString());
    assertRows(Set.of(row("A", "A", 3), row("B", "A", 3), row("C", "A", 3), row("D", "D", 3), row("E", "D", 3),
        row("F", "D", 3), row("Z", "Z", 1)), result.communities().collectAsList());
    assertEquals(3, result.communityCount());
    assertEquals(0, result.unstable());
  }

  @Test
  void completeBipartiteGraphConvergesToOneCommunityInsteadOfOscillating() {
    // Synchronous propagation on K(3,3) swaps the two sides' labels forever; only one community is a fixed point.
    List<Edge> edges = new ArrayList<>();
    for (String a : List.of("A1", "A2", "A3")) {
      for (String b : List.of("B1", "B2", "B3")) {
        edges.add(new Edge(a, b, 1));
      }
    }
    Communities.Result result = new Communities().run(GraphFixtures.edges(spark, edges), null);

    assertRows(Set.of(row("A1", "A1", 6), row("A2", "A1", 6), row("A3", "A1", 6), row("B1", "A1", 6),
        row("B2", "A1", 6), row("B3", "A1", 6)), result.communities().collectAsList());
  }

  @Test
  void plantedCommunitiesAreRecovered() {
    Planted planted = Planted.generate(11, 20, 50, 0.3, 0.002, 5, 150);

    Communities.Result result = new Communities().run(GraphFixtures.edges(spark, planted.edges()), null);

    Map<String, String> found = new HashMap<>();
    for (Row row : result.communities().collectAsList()) {
      found.put(row.getString(0), row.getString(1));
    }
    assertEquals(1005, found.size());
    List<Integer> truth = new ArrayList<>();
    List<String> predicted = new ArrayList<>();
    planted.community().forEach((id, community) -> {
      truth.add(community);
      predicted.add(found.get(id));
    });
    double ari = AdjustedRandIndex.of(truth, predicted);
    assertTrue(ari >= 0.8, "adjusted Rand index " + ari + " over " + truth.size() + " planted users");
  }

  @Test
  void failsWhenNotConvergedWithinTheIterationLimit() {
    // After one iteration every user with a neighbour (6 of 7) still has a label no neighbour carries.
    NotConvergedException e = assertThrows(NotConvergedException.class, () -> new Communities()
        .withMaxIterations(1).run(GraphFixtures.edges(spark, TRIANGLES), GraphFixtures.nodes(spark, List.of("Z"))));
    assertEquals("Label propagation did not converge within 1 iterations: 6 of 7 vertices would still change label, "
        + "at most 0 allowed (tolerance 0.0); raise maxIterations or the tolerance", e.getMessage());
  }

  @Test
  void emptyGraphHasNoCommunities() {
    Communities.Result result = new Communities().run(GraphFixtures.edges(spark, List.of()), null);
    assertEquals(0, result.communities().count());
    assertEquals(0, result.communityCount());
  }

  @Test
  void rejectsAToleranceOfOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Communities().withTolerance(1));
    assertEquals("Label propagation tolerance must be in [0, 1), got 1.0", e.getMessage());
  }

  private static Row row(String id, String community, long size) {
    return RowFactory.create(id, community, size);
  }

  private static void assertRows(Set<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size());
    assertEquals(new TreeSet<>(expected.stream().map(Row::toString).toList()),
        new TreeSet<>(actual.stream().map(Row::toString).toList()));
  }
}
