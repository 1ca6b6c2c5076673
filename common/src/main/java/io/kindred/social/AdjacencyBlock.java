package io.kindred.social;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;

/**
 * One partition's share of a graph's adjacency lists in compressed sparse row form: the vertices it owns (each
 * vertex is owned by exactly one block), and for each of them its neighbours and the edge weights. The engine's
 * iterations run over these blocks, which stay cached and never change, against a broadcast per-vertex state
 * vector; so an iteration's plan is the same every time and lineage does not grow.
 */
final class AdjacencyBlock implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Vertices owned, ascending. */
  final int[] vertices;
  /** Neighbours of {@code vertices[i]} are {@code neighbours[offsets[i]] .. neighbours[offsets[i+1]-1]}. */
  final int[] offsets;
  final int[] neighbours;
  final double[] weights;

  private AdjacencyBlock(int[] vertices, int[] offsets, int[] neighbours, double[] weights) {
    this.vertices = vertices;
    this.offsets = offsets;
    this.neighbours = neighbours;
    this.weights = weights;
  }

  /**
   * Blocks of {@code entries} {@code (vertex INT, neighbour INT, weight DOUBLE)} (exactly these three columns,
   * in that order; read as Spark's internal rows, without conversion), hash-partitioned by vertex into
   * {@code partitions} blocks, neighbour lists sorted so that sums are always taken in the same order. Cached and
   * materialised.
   */
  static JavaRDD<AdjacencyBlock> build(Dataset<Row> entries, int partitions) {
    String[] names = entries.columns();
    JavaRDD<AdjacencyBlock> blocks = entries
        .repartition(partitions, col(names[0]))
        .sortWithinPartitions(col(names[0]), col(names[1]))
        .queryExecution().toRdd().toJavaRDD()
        .mapPartitions(AdjacencyBlock::fromSorted)
        .persist(StorageLevel.MEMORY_AND_DISK());
    blocks.count();
    return blocks;
  }

  private static Iterator<AdjacencyBlock> fromSorted(Iterator<InternalRow> rows) {
    int[] vertices = new int[16];
    int[] offsets = new int[17];
    int[] neighbours = new int[64];
    double[] weights = new double[64];
    int vertexCount = 0;
    int entryCount = 0;
    int current = -1;
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      int vertex = row.getInt(0);
      if (vertexCount == 0 || vertex != current) {
        if (vertexCount == vertices.length) {
          vertices = Arrays.copyOf(vertices, vertexCount * 2);
          offsets = Arrays.copyOf(offsets, vertexCount * 2 + 1);
        }
        vertices[vertexCount] = vertex;
        offsets[vertexCount] = entryCount;
        vertexCount++;
        current = vertex;
      }
      if (entryCount == neighbours.length) {
        neighbours = Arrays.copyOf(neighbours, entryCount * 2);
        weights = Arrays.copyOf(weights, entryCount * 2);
      }
      neighbours[entryCount] = row.getInt(1);
      weights[entryCount] = row.getDouble(2);
      entryCount++;
    }
    offsets[vertexCount] = entryCount;
    return Collections.singletonList(new AdjacencyBlock(Arrays.copyOf(vertices, vertexCount),
        Arrays.copyOf(offsets, vertexCount + 1), Arrays.copyOf(neighbours, entryCount),
        Arrays.copyOf(weights, entryCount))).iterator();
  }

  /** Number of adjacency entries. */
  int entryCount() {
    return neighbours.length;
  }

  /** For each owned vertex v: sum over its entries (u, w) of {@code x[u] * w}. */
  double[] weightedSums(double[] x) {
    double[] sums = new double[vertices.length];
    for (int i = 0; i < vertices.length; i++) {
      double s = 0;
      for (int e = offsets[i]; e < offsets[i + 1]; e++) {
        s += x[neighbours[e]] * weights[e];
      }
      sums[i] = s;
    }
    return sums;
  }

  /** Sum of the weights per neighbour, over all vertices: a dense array of {@code n}. */
  double[] weightTotalsByNeighbour(int n) {
    double[] totals = new double[n];
    for (int e = 0; e < neighbours.length; e++) {
      totals[neighbours[e]] += weights[e];
    }
    return totals;
  }

  /**
   * For each owned vertex: the label carrying the most neighbour weight under {@code labels}. A tie keeps the
   * vertex's own label when that is among the heaviest, else goes to the label with the smallest seeded hash.
   */
  int[] heaviestLabels(int[] labels, long seed) {
    int[] best = new int[vertices.length];
    double[] weightOf = new double[labels.length];
    int[] touched = new int[64];
    for (int i = 0; i < vertices.length; i++) {
      int own = labels[vertices[i]];
      int from = offsets[i];
      int to = offsets[i + 1];
      if (to - from > touched.length) {
        touched = new int[Math.max(to - from, touched.length * 2)];
      }
      int distinct = 0;
      double max = 0;
      for (int e = from; e < to; e++) {
        int label = labels[neighbours[e]];
        if (weightOf[label] == 0) {
          touched[distinct++] = label;
        }
        weightOf[label] += weights[e];
        max = Math.max(max, weightOf[label]);
      }
      int choice = own;
      if (distinct > 0) {
        double floor = max * (1 - 1e-12);
        if (weightOf[own] < floor) {
          long bestKey = Long.MAX_VALUE;
          for (int k = 0; k < distinct; k++) {
            int label = touched[k];
            if (weightOf[label] >= floor) {
              long key = Mix.mix64(seed ^ label);
              if (choice == own || key < bestKey || key == bestKey && label < choice) {
                bestKey = key;
                choice = label;
              }
            }
          }
        }
        for (int k = 0; k < distinct; k++) {
          weightOf[touched[k]] = 0;
        }
      }
      best[i] = choice;
    }
    return best;
  }
}
