package io.kindred.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.social.GraphFixtures.Edge;
import io.kindred.social.GraphFixtures.Planted;
import io.kindred.testing.SharedSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

  private Dataset<Row> labels(String... idAndCommunity) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < idAndCommunity.length; i += 2) {
      rows.add(RowFactory.create(idAndCommunity[i], idAndCommunity[i + 1]));
    }
    return spark.createDataFrame(rows, new StructType().add(SocialColumns.ID, DataTypes.StringType)
        .add(SocialColumns.COMMUNITY_ID, DataTypes.StringType));
  }

  @Test
  void warmStartFromTheColdCommunitiesOfTheSameGraphIsAlreadyConverged() {
    Communities communities = new Communities();
    try (SocialGraph graph = SocialGraph.of(GraphFixtures.edges(spark, TRIANGLES),
        GraphFixtures.nodes(spark, List.of("Z")))) {
      Communities.Result cold = communities.run(graph);
      Communities.Result warm = communities.run(graph, cold.communities().select(SocialColumns.ID,
          SocialColumns.COMMUNITY_ID));

      assertEquals(1, warm.iterations());
      assertEquals(0, warm.unstable());
      assertRows(new HashSet<>(cold.communities().collectAsList()), warm.communities().collectAsList());
    }
  }

  @Test
  void aNewUserJoinsTheCommunityTheyLinkToAndPriorCommunitiesKeepTheirSmallestMemberAsId() {
    // the evening before: {A, B, C} and {D, E, F} (named by their smallest member), Z alone; tonight G arrives,
    // linked to E and F, and Y, isolated
    List<Edge> tonight = new ArrayList<>(TRIANGLES);
    tonight.add(new Edge("G", "E", 1));
    tonight.add(new Edge("F", "G", 1));
    Dataset<Row> prior = labels("A", "A", "B", "A", "C", "A", "D", "D", "E", "D", "F", "D", "Z", "Z");

    Communities.Result warm = new Communities().run(GraphFixtures.edges(spark, tonight),
        GraphFixtures.nodes(spark, List.of("Z", "Y")), prior);

    assertRows(Set.of(row("A", "A", 3), row("B", "A", 3), row("C", "A", 3), row("D", "D", 4), row("E", "D", 4),
        row("F", "D", 4), row("G", "D", 4), row("Y", "Y", 1), row("Z", "Z", 1)), warm.communities().collectAsList());
    assertEquals(4, warm.communityCount());
  }

  @Test
  void aPriorMemberWithoutEdgesTonightStartsAloneAndTheRestKeepTheirCommunity() {
    // A was the smallest member of {A, B, C}; tonight A has no edge, B - C and the triangle D, E, F remain
    List<Edge> tonight = List.of(new Edge("B", "C", 2), new Edge("D", "E", 1), new Edge("E", "F", 1),
        new Edge("F", "D", 1));
    Dataset<Row> prior = labels("A", "A", "B", "A", "C", "A", "D", "D", "E", "D", "F", "D");

    Communities.Result warm = new Communities().run(GraphFixtures.edges(spark, tonight),
        GraphFixtures.nodes(spark, List.of("A")), prior);

    assertRows(Set.of(row("A", "A", 1), row("B", "B", 2), row("C", "B", 2), row("D", "D", 3), row("E", "D", 3),
        row("F", "D", 3)), warm.communities().collectAsList());
    assertEquals(1, warm.iterations());
  }

  @Test
  void warmStartOnPlantedCommunitiesWithOnePercentOfEdgesChangedIsDeterministicAndNeedsFewerIterations() {
    Planted planted = Planted.generate(11, 20, 50, 0.3, 0.002, 5, 150);
    List<Edge> yesterday = new ArrayList<>();
    for (int i = 0; i < planted.edges().size(); i++) {
      if (i % 100 != 0) {
        yesterday.add(planted.edges().get(i));
      }
    }
    Communities communities = new Communities();
    Dataset<Row> prior = communities.run(GraphFixtures.edges(spark, yesterday), null).communities()
        .select(SocialColumns.ID, SocialColumns.COMMUNITY_ID);

    Communities.Result cold;
    Communities.Result warm;
    Communities.Result again;
    try (SocialGraph graph = SocialGraph.of(GraphFixtures.edges(spark, planted.edges()))) {
      cold = communities.run(graph);
      warm = communities.run(graph, prior);
      again = communities.run(graph, prior);
    }

    Map<String, String> coldFound = new HashMap<>();
    cold.communities().collectAsList().forEach(r -> coldFound.put(r.getString(0), r.getString(1)));
    List<Row> warmRows = warm.communities().collectAsList();
    List<Integer> truth = new ArrayList<>();
    List<String> warmFound = new ArrayList<>();
    List<String> coldOfSame = new ArrayList<>();
    for (Row r : warmRows) {
      truth.add(planted.community().getOrDefault(r.getString(0), -1 - planted.hubs().indexOf(r.getString(0))));
      warmFound.add(r.getString(1));
      coldOfSame.add(coldFound.get(r.getString(0)));
    }
    double vsTruth = AdjustedRandIndex.of(truth, warmFound);
    double vsCold = AdjustedRandIndex.of(coldOfSame, warmFound);
    System.out.printf("Label propagation on 1,005 planted users, 1%% of edges new: cold %d iterations, warm %d; "
        + "ARI warm vs cold %.4f, warm vs planted %.4f%n", cold.iterations(), warm.iterations(), vsCold, vsTruth);
    assertRows(new HashSet<>(warmRows), again.communities().collectAsList());
    assertTrue(warm.iterations() < cold.iterations(), "warm " + warm.iterations() + ", cold " + cold.iterations());
    assertTrue(vsTruth >= 0.8, "adjusted Rand index against the planted communities " + vsTruth);
  }

  @Test
  void rejectsAPriorNamingAUserTwice() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Communities().run(
        GraphFixtures.edges(spark, TRIANGLES), null, labels("A", "A", "B", "A", "A", "B")));
    assertEquals("The prior communities must name each id once; 1 rows repeat an id, the first: 'A' (2 rows)",
        e.getMessage());
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
