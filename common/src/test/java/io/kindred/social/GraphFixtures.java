package io.kindred.social;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Test graphs, built in plain Java, and independent reference computations over them. */
final class GraphFixtures {

  static final StructType EDGES = new StructType()
      .add(SocialColumns.SRC, DataTypes.StringType, true)
      .add(SocialColumns.DST, DataTypes.StringType, true)
      .add(SocialColumns.WEIGHT, DataTypes.DoubleType, true);
  static final StructType NODES = new StructType().add(SocialColumns.ID, DataTypes.StringType, true);

  private GraphFixtures() {
  }

  record Edge(String src, String dst, double weight) {
  }

  static Dataset<Row> edges(SparkSession spark, List<Edge> edges) {
    List<Row> rows = new ArrayList<>();
    for (Edge e : edges) {
      rows.add(RowFactory.create(e.src(), e.dst(), e.weight()));
    }
    return spark.createDataFrame(rows, EDGES);
  }

  static Dataset<Row> nodes(SparkSession spark, List<String> ids) {
    List<Row> rows = new ArrayList<>();
    for (String id : ids) {
      rows.add(RowFactory.create(id));
    }
    return spark.createDataFrame(rows, NODES);
  }

  /** Sorted vertex ids of a graph: endpoints plus extra nodes. */
  static List<String> vertexIds(List<Edge> edges, List<String> nodes) {
    TreeSet<String> ids = new TreeSet<>(nodes);
    for (Edge e : edges) {
      ids.add(e.src());
      ids.add(e.dst());
    }
    return new ArrayList<>(ids);
  }

  /**
   * PageRank solved exactly as the linear system {@code (I - d (M + 1 delta^T / n)) r = (1 - d)/n} by Gaussian
   * elimination with partial pivoting: M[v][u] = w(u,v)/W(u) over non-self-loop edges (duplicates summed),
   * delta the indicator of vertices without out-weight.
   */
  static Map<String, Double> exactPageRank(List<Edge> edges, List<String> nodes, double d) {
    List<String> ids = vertexIds(edges, nodes);
    int n = ids.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(ids.get(i), i);
    }
    double[][] w = new double[n][n];
    double[] out = new double[n];
    for (Edge e : edges) {
      if (!e.src().equals(e.dst())) {
        w[index.get(e.src())][index.get(e.dst())] += e.weight();
        out[index.get(e.src())] += e.weight();
      }
    }
    double[][] a = new double[n][n + 1];
    for (int v = 0; v < n; v++) {
      a[v][v] = 1;
      a[v][n] = (1 - d) / n;
      for (int u = 0; u < n; u++) {
        double m = out[u] > 0 ? w[u][v] / out[u] : 1.0 / n;
        a[v][u] -= d * m;
      }
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int c = col; c <= n; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    Map<String, Double> ranks = new LinkedHashMap<>();
    for (int v = 0; v < n; v++) {
      ranks.put(ids.get(v), a[v][n] / a[v][v]);
    }
    return ranks;
  }

  /** PageRank by a plain sparse power method, same conventions, iterated until the L1 change is below 1e-14. */
  static Map<String, Double> powerMethodPageRank(List<Edge> edges, List<String> nodes, double d) {
    return powerMethod(edges, nodes, d, 10_000, 1e-14).ranks();
  }

  /** Ranks and L1 change of the last iteration of the power method from the uniform vector. */
  record PowerMethod(Map<String, Double> ranks, double lastChange) {
  }

  /** At most {@code iterations} iterations of the power method, stopping early when the change is below tol. */
  static PowerMethod powerMethod(List<Edge> edges, List<String> nodes, double d, int iterations, double tol) {
    List<String> ids = vertexIds(edges, nodes);
    int n = ids.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(ids.get(i), i);
    }
    double[] out = new double[n];
    for (Edge e : edges) {
      if (!e.src().equals(e.dst())) {
        out[index.get(e.src())] += e.weight();
      }
    }
    double[] r = new double[n];
    Arrays.fill(r, 1.0 / n);
    double change = Double.NaN;
    for (int it = 0; it < iterations; it++) {
      double dangling = 0;
      for (int u = 0; u < n; u++) {
        if (out[u] == 0) {
          dangling += r[u];
        }
      }
      double[] next = new double[n];
      Arrays.fill(next, (1 - d) / n + d * dangling / n);
      for (Edge e : edges) {
        if (!e.src().equals(e.dst())) {
          int u = index.get(e.src());
          next[index.get(e.dst())] += d * r[u] * e.weight() / out[u];
        }
      }
      change = 0;
      for (int v = 0; v < n; v++) {
        change += Math.abs(next[v] - r[v]);
      }
      r = next;
      if (change < tol) {
        break;
      }
    }
    if (iterations == 10_000 && !(change < tol)) {
      throw new AssertionError("reference power method did not converge");
    }
    Map<String, Double> ranks = new LinkedHashMap<>();
    for (int v = 0; v < n; v++) {
      ranks.put(ids.get(v), r[v]);
    }
    return new PowerMethod(ranks, change);
  }

  /**
   * A seeded stochastic block model: {@code communities x size} users {@code C%08d}, each unordered pair linked with
   * probability pIn inside a community and pOut across, in a random direction with weight 1, 2 or 3 (a tenth of
   * the links also in the other direction, and a tenth duplicated); plus {@code hubs} users {@code S%08d}, each
   * followed by {@code followers} random users (edges follower -> hub, weight 1).
   */
  record Planted(List<Edge> edges, Map<String, Integer> community, List<String> hubs) {

    static Planted generate(long seed, int communities, int size, double pIn, double pOut, int hubs,
        int followers) {
      Random random = new Random(seed);
      int n = communities * size;
      List<Edge> edges = new ArrayList<>();
      Map<String, Integer> community = new LinkedHashMap<>();
      for (int v = 0; v < n; v++) {
        community.put(customer(v), v / size);
      }
      for (int u = 0; u < n; u++) {
        for (int v = u + 1; v < n; v++) {
          double p = u / size == v / size ? pIn : pOut;
          if (random.nextDouble() < p) {
            double w = 1 + random.nextInt(3);
            boolean forward = random.nextBoolean();
            Edge e = forward ? new Edge(customer(u), customer(v), w) : new Edge(customer(v), customer(u), w);
            edges.add(e);
            double extra = random.nextDouble();
            if (extra < 0.1) {
              edges.add(new Edge(e.dst(), e.src(), w));
            } else if (extra < 0.2) {
              edges.add(e);
            }
          }
        }
      }
      List<String> hubIds = new ArrayList<>();
      for (int h = 0; h < hubs; h++) {
        String hub = String.format("S%08d", h + 1);
        hubIds.add(hub);
        TreeSet<Integer> chosen = new TreeSet<>();
        while (chosen.size() < followers) {
          chosen.add(random.nextInt(n));
        }
        for (int f : chosen) {
          edges.add(new Edge(customer(f), hub, 1));
        }
      }
      return new Planted(edges, community, hubIds);
    }

    private static String customer(int v) {
      return String.format("C%08d", v);
    }
  }
}
