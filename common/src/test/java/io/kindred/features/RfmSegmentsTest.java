package io.kindred.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.config.KindredConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RfmSegmentsTest {

  private static final String KEY = "kindred.features.rfm-segments";

  private static Map<String, List<String>> defaultMap() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("champions", List.of("5,4-5"));
    m.put("loyal", List.of("3-4,4-5"));
    m.put("potential loyalist", List.of("4-5,2-3"));
    m.put("new", List.of("5,1"));
    m.put("promising", List.of("4,1"));
    m.put("need attention", List.of("3,3"));
    m.put("about to sleep", List.of("3,1-2"));
    m.put("at risk", List.of("1-2,3-4"));
    m.put("can't lose them", List.of("1-2,5"));
    m.put("hibernating", List.of("1-2,1-2"));
    return m;
  }

  @Test
  void defaultConfigurationIsTheTenSegmentGrid() {
    RfmSegments segments = RfmSegments.fromConfig(KindredConfig.defaults().raw(), KEY);

    // rows R = 5 .. 1, columns F = 1 .. 5
    String[][] expected = {
        {"new", "potential loyalist", "potential loyalist", "champions", "champions"},
        {"promising", "potential loyalist", "potential loyalist", "loyal", "loyal"},
        {"about to sleep", "about to sleep", "need attention", "loyal", "loyal"},
        {"hibernating", "hibernating", "at risk", "at risk", "can't lose them"},
        {"hibernating", "hibernating", "at risk", "at risk", "can't lose them"},
    };
    for (int r = 5; r >= 1; r--) {
      for (int f = 1; f <= 5; f++) {
        assertEquals(expected[5 - r][f - 1], segments.segmentOf(r, f), "cell " + r + "," + f);
      }
    }
    assertEquals(List.of("about to sleep", "at risk", "can't lose them", "champions", "hibernating", "loyal",
        "need attention", "new", "potential loyalist", "promising"), segments.segmentNames());
  }

  @Test
  void unassignedCellsAreNamed() {
    Map<String, List<String>> m = defaultMap();
    m.remove("hibernating");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RfmSegments.of(m));

    assertEquals("The RFM segment map must name each of the 25 R x F cells exactly once: cells (R,F) assigned to "
        + "no segment: 1,1; 1,2; 2,1; 2,2", e.getMessage());
  }

  @Test
  void doublyAssignedCellsAreNamedWithTheirSegments() {
    Map<String, List<String>> m = defaultMap();
    m.put("loyal", List.of("3-5,4-5"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RfmSegments.of(m));

    assertEquals("The RFM segment map must name each of the 25 R x F cells exactly once: cells (R,F) assigned to "
        + "more than one segment: 5,4 (champions, loyal); 5,5 (champions, loyal)", e.getMessage());
  }

  @Test
  void malformedCellIsNamed() {
    Map<String, List<String>> m = defaultMap();
    m.put("new", List.of("5;1"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RfmSegments.of(m));

    assertEquals("The RFM segment map must name each of the 25 R x F cells exactly once: segment 'new' has cell "
        + "'5;1', expected \"R,F\" with each side a score 1..5 or a range such as 1-2; cells (R,F) assigned to no "
        + "segment: 5,1", e.getMessage());
  }
}
