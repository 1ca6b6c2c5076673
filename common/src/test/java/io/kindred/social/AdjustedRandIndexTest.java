package io.kindred.social;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdjustedRandIndexTest {

  @Test
  void splittingOneClusterOfTwoGivesFourSevenths() {
    // Contingency {0:[2,0,0], 1:[0,1,1]}: index 1, rows 2, columns 1, pairs 6 -> expected 1/3, max 3/2:
    // (1 - 1/3) / (3/2 - 1/3) = 4/7 (scikit-learn's documented example gives 0.57...).
    assertEquals(4.0 / 7, AdjustedRandIndex.of(List.of(0, 0, 1, 1), List.of(0, 0, 1, 2)), 1e-15);
  }

  @Test
  void oneClusterAgainstTwoGivesZero() {
    // rows 6, columns 2, index 2, expected 6*2/6 = 2 -> (2 - 2) / (4 - 2) = 0.
    assertEquals(0.0, AdjustedRandIndex.of(List.of(0, 0, 0, 0), List.of(0, 0, 1, 1)), 1e-15);
  }

  @Test
  void identicalUpToRenamingGivesOne() {
    assertEquals(1.0, AdjustedRandIndex.of(List.of(1, 1, 2, 2, 3), List.of("b", "b", "a", "a", "c")), 1e-15);
  }

  @Test
  void swappedPairsGiveNegativeValue() {
    // Contingency [[1,1],[1,1]]: index 0, rows 2, columns 2, expected 2*2/6 = 2/3, max 2: (0 - 2/3)/(2 - 2/3) = -1/2.
    assertEquals(-0.5, AdjustedRandIndex.of(List.of(0, 0, 1, 1), List.of(0, 1, 0, 1)), 1e-15);
  }
}
