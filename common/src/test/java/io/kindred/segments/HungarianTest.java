package io.kindred.segments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HungarianTest {

  /** The least total cost over every way to pair min(n, m) rows and columns, by enumeration. */
  private static double bruteForce(double[][] cost) {
    int n = cost.length;
    int m = cost[0].length;
    return best(cost, 0, new boolean[m], Math.min(n, m), n);
  }

  private static double best(double[][] cost, int row, boolean[] usedColumns, int toAssign, int n) {
    if (toAssign == 0) {
      return 0;
    }
    if (n - row < toAssign) {
      return Double.POSITIVE_INFINITY;
    }
    // leave this row unassigned (only possible when rows outnumber columns)
    double result = best(cost, row + 1, usedColumns, toAssign, n);
    for (int j = 0; j < usedColumns.length; j++) {
      if (!usedColumns[j]) {
        usedColumns[j] = true;
        result = Math.min(result, cost[row][j] + best(cost, row + 1, usedColumns, toAssign - 1, n));
        usedColumns[j] = false;
      }
    }
    return result;
  }

  private static void assertValid(double[][] cost, int[] assignment) {
    int n = cost.length;
    int m = cost[0].length;
    assertEquals(n, assignment.length);
    Set<Integer> columns = new HashSet<>();
    int assigned = 0;
    for (int column : assignment) {
      if (column >= 0) {
        assigned++;
        assertEquals(true, column < m && columns.add(column), "column " + column + " in " + Arrays.toString(assignment));
      }
    }
    assertEquals(Math.min(n, m), assigned, Arrays.toString(assignment));
  }

  @Test
  void matchesBruteForceOnRandomSquareAndRectangularMatrices() {
    Random random = new Random(20261123);
    int checked = 0;
    for (int trial = 0; trial < 600; trial++) {
      int n = 1 + random.nextInt(6);
      int m = 1 + random.nextInt(6);
      double[][] cost = new double[n][m];
      for (double[] row : cost) {
        for (int j = 0; j < m; j++) {
          // a third of the matrices on a coarse grid, so that ties occur
          row[j] = trial % 3 == 0 ? random.nextInt(4) : random.nextDouble() * 10 - 2;
        }
      }
      int[] assignment = Hungarian.assign(cost);
      assertValid(cost, assignment);
      assertEquals(bruteForce(cost), Hungarian.totalCost(cost, assignment), 1e-9,
          "trial " + trial + ": " + Arrays.deepToString(cost) + " -> " + Arrays.toString(assignment));
      checked++;
    }
    assertEquals(600, checked);
  }

  @Test
  void solvesTheTextbookExample() {
    // three workers, three jobs: the optimum is worker 0 -> job 1, 1 -> 0, 2 -> 2 with cost 2 + 2 + 2
    double[][] cost = {{4, 2, 8}, {2, 3, 7}, {3, 1, 2}};
    int[] assignment = Hungarian.assign(cost);
    assertArrayEquals(new int[] {1, 0, 2}, assignment);
    assertEquals(6.0, Hungarian.totalCost(cost, assignment));
  }

  @Test
  void leavesTheCostliestRowUnassignedWhenRowsOutnumberColumns() {
    double[][] cost = {{1, 9}, {9, 1}, {5, 5}};
    assertArrayEquals(new int[] {0, 1, -1}, Hungarian.assign(cost));
  }

  @Test
  void emptyMatricesAssignNothing() {
    assertArrayEquals(new int[0], Hungarian.assign(new double[0][0]));
    assertArrayEquals(new int[] {-1, -1}, Hungarian.assign(new double[2][0]));
  }

  @Test
  void rejectsRaggedAndNonFiniteMatrices() {
    IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
        () -> Hungarian.assign(new double[][] {{1, 2}, {3}}));
    assertEquals("Cost matrix row 1 has 1 columns; expected 2 like row 0", ragged.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> Hungarian.assign(new double[][] {{1, Double.NaN}}));
    assertEquals("Cost matrix entry (0, 1) is NaN; expected a finite number", nan.getMessage());
  }
}
