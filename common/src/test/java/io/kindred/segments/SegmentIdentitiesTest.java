package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kindred.segments.SegmentIdentities.Identity;
import io.kindred.segments.SegmentIdentities.Match;
import io.kindred.segments.SegmentIdentities.PreviousSegment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentIdentitiesTest {

  /** Features a (plain, mean 10, sd 2) and b (log1p, mean 0, sd 1) of the new model. */
  private static final Scaling SCALING = new Scaling(List.of("a", "b"), List.of("b"), new double[] {10, 0},
      new double[] {2, 1});

  private static final List<PreviousSegment> PREVIOUS = List.of(
      new PreviousSegment(3, "Mid value, active", Map.of("a", 10.0, "b", 0.0)),       // scaled (0, 0)
      new PreviousSegment(5, "High value, active", Map.of("a", 14.0, "b", 0.0)),      // scaled (2, 0)
      new PreviousSegment(7, "Low value, lapsed", Map.of("a", 6.0, "b", Math.expm1(2))));  // scaled (-2, 2)

  private static final double[][] CENTRES = {{2.1, 0}, {0, 0.1}, {5, 5}, {-2, 1.5}};
  private static final long[] SIZES = {10, 20, 5, 30};

  private static void assertIdentity(Identity identity, int cluster, int id, Integer previousId, Double distance) {
    assertEquals(cluster, identity.cluster());
    assertEquals(id, identity.segmentId());
    if (previousId == null) {
      assertNull(identity.previous());
      assertNull(identity.distance());
    } else {
      assertEquals(previousId, identity.previous().segmentId());
      assertEquals(distance, identity.distance(), 1e-12);
    }
  }

  @Test
  void scalingMapsOriginalUnitsToTheClusteringSpaceAndBack() {
    assertArrayEquals(new double[] {-2, 2}, SCALING.toScaled(Map.of("a", 6.0, "b", Math.expm1(2))), 1e-12);
    assertEquals(Map.of("a", 6.0, "b", Math.expm1(2)), SCALING.toOriginal(new double[] {-2, 2}));
    // a missing feature is NaN and left out of distances; negative values of a log feature count as 0
    assertArrayEquals(new double[] {Double.NaN, 0}, SCALING.toScaled(Map.of("b", -4.0)), 0);
    assertEquals(Math.sqrt((0.25 + 1) / 2), Scaling.distance(new double[] {0, 1}, new double[] {0.5, 0}), 1e-15);
    assertEquals(0.5, Scaling.distance(new double[] {Double.NaN, 1}, new double[] {0.5, 0.5}), 1e-15);
  }

  @Test
  void clustersKeepTheIdsOfThePreviousSegmentsNearestThemAndAFarClusterGetsAFreshId() {
    Match match = SegmentIdentities.match(CENTRES, SIZES, PREVIOUS, SCALING, 0.5, 9);

    assertIdentity(match.identities().get(0), 0, 5, 5, Math.sqrt(0.01 / 2));
    assertIdentity(match.identities().get(1), 1, 3, 3, Math.sqrt(0.01 / 2));
    assertIdentity(match.identities().get(2), 2, 9, null, null);
    assertIdentity(match.identities().get(3), 3, 7, 7, Math.sqrt(0.25 / 2));
    assertEquals(List.of(), match.retired());
  }

  @Test
  void aPairBeyondTheDistanceLimitIsNoMatchAndItsSegmentRetires() {
    // cluster 3 is sqrt(0.125) = 0.354 from segment 7: beyond 0.3
    Match match = SegmentIdentities.match(CENTRES, SIZES, PREVIOUS, SCALING, 0.3, 9);

    assertIdentity(match.identities().get(0), 0, 5, 5, Math.sqrt(0.01 / 2));
    assertIdentity(match.identities().get(1), 1, 3, 3, Math.sqrt(0.01 / 2));
    // fresh ids by size: cluster 3 (30 customers) before cluster 2 (5)
    assertIdentity(match.identities().get(3), 3, 9, null, null);
    assertIdentity(match.identities().get(2), 2, 10, null, null);
    assertEquals(List.of(7), match.retired());
  }

  @Test
  void theAssignmentMatchesAsManyPairsWithinTheLimitAsPossible() {
    Scaling plain = new Scaling(List.of("x", "y"), List.of(), new double[] {0, 0}, new double[] {1, 1});
    List<PreviousSegment> previous = List.of(new PreviousSegment(1, "one", Map.of("x", 0.0, "y", 0.0)),
        new PreviousSegment(2, "two", Map.of("x", 0.6, "y", 0.0)));
    // cluster 0 sits on segment 1; cluster 1 is 0.6 from segment 2 (beyond 0.5) but 0.424 from segment 1. The
    // least total distance (0 + 0.6) would match one pair; the crossed pairs (0.424 + 0.424) match both.
    double[][] centres = {{0, 0}, {0, 0.6}};

    Match match = SegmentIdentities.match(centres, new long[] {1, 1}, previous, plain, 0.5, 3);

    assertIdentity(match.identities().get(0), 0, 2, 2, Math.sqrt(0.36 / 2));
    assertIdentity(match.identities().get(1), 1, 1, 1, Math.sqrt(0.36 / 2));
    assertEquals(List.of(), match.retired());
  }

  @Test
  void aFirstModelNumbersItsSegmentsFromOneByDescendingSize() {
    Match match = SegmentIdentities.match(CENTRES, SIZES, List.of(), SCALING, 0.5, 1);

    assertEquals(List.of(3, 2, 4, 1), match.identities().stream().map(Identity::segmentId).toList());
    assertEquals(List.of(), match.retired());
  }

  @Test
  void fewerNewClustersThanPreviousSegmentsRetireTheUnmatchedOnes() {
    Match match = SegmentIdentities.match(new double[][] {{0, 0.1}}, new long[] {7}, PREVIOUS, SCALING, 0.5, 9);

    assertIdentity(match.identities().get(0), 0, 3, 3, Math.sqrt(0.01 / 2));
    assertEquals(List.of(5, 7), match.retired());
  }
}
