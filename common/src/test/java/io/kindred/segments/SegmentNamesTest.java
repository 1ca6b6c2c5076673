package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.segments.SegmentNames.Stats;
import io.kindred.segments.SegmentNames.Thresholds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentNamesTest {

  private static final Thresholds T = new Thresholds(1.5, 0.6, 0.5, 0.8, 1.8, 1.5, 2.0);
  /** The snapshot: mean CLV 100, tenure 60 days, recency 30 days, influence 1, 5% of purchases returned. */
  private static final Stats ALL = new Stats(100, 60, 30, 1.0, 0.05);

  @Test
  void namesSayValueActivityInfluenceAndReturns() {
    assertEquals("High value, active, influential", SegmentNames.describe(new Stats(150, 70, 24, 1.5, 0.05), ALL, T));
    assertEquals("Mid value, active", SegmentNames.describe(new Stats(149.9, 70, 24, 1.49, 0.05), ALL, T));
    assertEquals("Low value, lapsed", SegmentNames.describe(new Stats(60, 90, 54, 0.4, 0.02), ALL, T));
    assertEquals("Mid value, cooling", SegmentNames.describe(new Stats(61, 90, 53.9, 0.4, 0.02), ALL, T));
    assertEquals("Mid value, new", SegmentNames.describe(new Stats(90, 30, 5, 0.9, 0.01), ALL, T));
    assertEquals("Low value, active, frequent returns",
        SegmentNames.describe(new Stats(20, 61, 10, 0.9, 0.10), ALL, T));
  }

  @Test
  void withoutInfluenceNoSegmentIsCalledInfluential() {
    Stats all = new Stats(100, 60, 30, null, 0.05);
    assertEquals("High value, active", SegmentNames.describe(new Stats(300, 70, 10, null, 0.05), all, T));
  }

  @Test
  void configuredNamesWinThenInheritedOnesAndClashesGetTheirId() {
    Map<Integer, String> described = Map.of(1, "Mid value, active", 2, "High value, active", 4, "Mid value, active",
        6, "Low value, lapsed");
    Map<Integer, String> names = SegmentNames.names(described, Map.of(2, "Big spenders", 6, "Mid value, active"),
        Map.of(6, "Gone"));

    assertEquals(Map.of(1, "Mid value, active", 2, "Big spenders", 4, "Mid value, active (segment 4)", 6, "Gone"),
        names);
  }

  private static SegmentProfiles.Profile profile(int id, Stats stats) {
    return new SegmentProfiles.Profile(id, 10, java.math.BigDecimal.TEN, 1000, null, 0.9, 2, 5, stats, Map.of());
  }

  @Test
  void aNewModelsSegmentsAreNamedFromTheirProfilesTheirPredecessorsOrConfiguration() {
    java.util.List<SegmentProfiles.Profile> profiles = java.util.List.of(profile(0, ALL),
        profile(5, new Stats(150, 70, 24, 1.5, 0.05)), profile(6, new Stats(60, 90, 54, 0.4, 0.02)),
        profile(7, new Stats(90, 30, 5, 0.9, 0.01)));
    SegmentIdentities.PreviousSegment loyal = new SegmentIdentities.PreviousSegment(2, "Loyal", Map.of());
    SegmentIdentities.Match match = new SegmentIdentities.Match(java.util.List.of(
        new SegmentIdentities.Identity(0, 5, null, null), new SegmentIdentities.Identity(1, 2, loyal, 0.1),
        new SegmentIdentities.Identity(2, 6, null, null), new SegmentIdentities.Identity(3, 7, null, null),
        new SegmentIdentities.Identity(4, 8, null, null)), java.util.List.of(1));

    Map<Integer, String> names = SegmentNames.modelNames(profiles, match, T, Map.of(7, "Newcomers"));

    // 2 has no customer in the snapshot but continues Loyal; 8 has none and is new
    assertEquals(java.util.List.of(2, 5, 6, 7, 8), java.util.List.copyOf(names.keySet()));
    assertEquals(Map.of(2, "Loyal", 5, "High value, active, influential", 6, "Low value, lapsed", 7, "Newcomers",
        8, "Empty segment"), names);
  }
}
