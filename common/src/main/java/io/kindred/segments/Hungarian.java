package io.kindred.segments;

import java.util.Arrays;

/**
 * Minimum-cost assignment (the Hungarian algorithm of Kuhn and Munkres, in the O(n^2 m) form with row and column
 * potentials): given an {@code n x m} cost matrix, pairs each row with a distinct column (or each column with a
 * distinct row when there are fewer columns than rows) so that the sum of the chosen costs is minimal.
 *
 * <p>Segment identities use it to pair a new model's clusters (rows) with the previous model's segments (columns)
 * by centroid distance; no library on Kindred's class path offers it.
 */
public final class Hungarian {

  private Hungarian() {
  }

  /**
   * The optimal assignment.
   *
   * @param cost an {@code n x m} matrix of finite costs ({@code n, m >= 0}; every row the same length)
   * @return for each row, the column assigned to it, or {@code -1} when there are more rows than columns and the
   *     row is left unassigned; exactly {@code min(n, m)} rows are assigned
   * @throws IllegalArgumentException when the matrix is ragged or holds a NaN or an infinite cost
   */
  public static int[] assign(double[][] cost) {
    int n = cost.length;
    int m = n == 0 ? 0 : cost[0].length;
    for (int i = 0; i < n; i++) {
      if (cost[i].length != m) {
        throw new IllegalArgumentException("Cost matrix row " + i + " has " + cost[i].length + " columns; expected "
            + m + " like row 0");
      }
      for (int j = 0; j < m; j++) {
        if (!Double.isFinite(cost[i][j])) {
          throw new IllegalArgumentException("Cost matrix entry (" + i + ", " + j + ") is " + cost[i][j]
              + "; expected a finite number");
        }
      }
    }
    int[] out = new int[n];
    Arrays.fill(out, -1);
    if (n == 0 || m == 0) {
      return out;
    }
    if (n <= m) {
      int[] rowToColumn = solve(cost, n, m, false);
      System.arraycopy(rowToColumn, 0, out, 0, n);
    } else {
      // more rows than columns: solve the transposed problem, each column picks a row
      int[] columnToRow = solve(cost, m, n, true);
      for (int j = 0; j < m; j++) {
        out[columnToRow[j]] = j;
      }
    }
    return out;
  }

  /** The total cost of an assignment returned by {@link #assign}. */
  public static double totalCost(double[][] cost, int[] assignment) {
    double total = 0;
    for (int i = 0; i < assignment.length; i++) {
      if (assignment[i] >= 0) {
        total += cost[i][assignment[i]];
      }
    }
    return total;
  }

  /**
   * Solves rows {@code 1..n} against columns {@code 1..m}, {@code n <= m}, of {@code cost} (transposed when asked),
   * with the shortest augmenting path method: each row in turn is added along the cheapest path of reduced costs.
   */
  private static int[] solve(double[][] cost, int n, int m, boolean transposed) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1]; // p[j]: the row (1-based) matched to column j, 0 for none
    int[] way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[m + 1];
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double c = (transposed ? cost[j - 1][i0 - 1] : cost[i0 - 1][j - 1]) - u[i0] - v[j];
            if (c < minv[j]) {
              minv[j] = c;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToColumn = new int[n];
    for (int j = 1; j <= m; j++) {
      if (p[j] != 0) {
        rowToColumn[p[j] - 1] = j - 1;
      }
    }
    return rowToColumn;
  }
}
