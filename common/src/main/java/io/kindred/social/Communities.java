package io.kindred.social;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Communities by weighted label propagation on the undirected graph: the weight between two users is the sum of
 * the weights of their edges in both directions (self-loops dropped by {@link SocialGraph}).
 *
 * <p>Every vertex starts with a label of its own (a cold start; {@link #run(SocialGraph, Dataset)} can start from
 * earlier communities instead). In each iteration every vertex computes the label carrying the
 * most neighbour weight; a tie keeps the vertex's current label when that is among the heaviest, else takes the
 * heaviest label with the smallest seeded hash (a fixed pseudo-random order, which unlike "smallest label" does not
 * let the lowest ids flood the graph). Updates are semi-synchronous: in each iteration only a seeded pseudo-random
 * half of the vertices adopts its new label, which breaks the two-cycle oscillations of synchronous propagation on
 * bipartite structures. A vertex is unstable when its heaviest label differs from its current one; iteration stops
 * when the fraction of unstable vertices is at most {@link #tolerance()} (default 0: a fixed point) and fails with
 * {@link NotConvergedException} after {@link #maxIterations()} (default 100).
 *
 * <p>Everything is deterministic for a given input and seed. A community's id is its smallest member id; isolated
 * vertices are communities of one. Engine as in {@link WeightedPageRank}: cached adjacency blocks, a broadcast label
 * vector (4 bytes per vertex) per iteration, no shuffle per iteration, no lineage growth; each block task also needs
 * a scratch array of 8 bytes per vertex.
 */
public final class Communities {

  private static final Logger LOG = LoggerFactory.getLogger(Communities.class);
  private static final int LOG_EVERY = 5;
  private static final String GROUP = "_group";

  /** Output schema: {@code (id STRING, community_id STRING, community_size LONG)}. */
  public static final StructType SCHEMA = new StructType()
      .add(SocialColumns.ID, DataTypes.StringType, false)
      .add(SocialColumns.COMMUNITY_ID, DataTypes.StringType, false)
      .add(SocialColumns.COMMUNITY_SIZE, DataTypes.LongType, false);

  private final double tolerance;
  private final int maxIterations;
  private final long seed;

  /** Tolerance 0 (run to a fixed point), at most 100 iterations, seed 42. */
  public Communities() {
    this(0, 100, 42);
  }

  private Communities(double tolerance, int maxIterations, long seed) {
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException("Label propagation tolerance must be in [0, 1), got " + tolerance);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("Label propagation maxIterations must be at least 1, got "
          + maxIterations);
    }
    this.tolerance = tolerance;
    this.maxIterations = maxIterations;
    this.seed = seed;
  }

  /** Stop when at most this fraction of vertices would still change label. */
  public Communities withTolerance(double value) {
    return new Communities(value, maxIterations, seed);
  }

  /** Fail with {@link NotConvergedException} after this many iterations without convergence. */
  public Communities withMaxIterations(int value) {
    return new Communities(tolerance, value, seed);
  }

  /** Seed of the tie-breaking order and of the update schedule. */
  public Communities withSeed(long value) {
    return new Communities(tolerance, maxIterations, value);
  }

  public double tolerance() {
    return tolerance;
  }

  public int maxIterations() {
    return maxIterations;
  }

  public long seed() {
    return seed;
  }

  /**
   * A finished run.
   *
   * @param communities {@code (id, community_id, community_size)} for every vertex, checkpointed
   * @param communityCount number of communities, isolated vertices included
   * @param iterations iterations run
   * @param unstable vertices that would still change label when iteration stopped
   */
  public record Result(Dataset<Row> communities, int communityCount, int iterations, long unstable) {
  }

  /** Finds the communities of {@code graph}, every vertex starting with a label of its own (a cold start). */
  public Result run(SocialGraph graph) {
    return run(graph, null);
  }

  /**
   * Finds the communities of {@code graph}, warm-started from {@code priorLabels} (e.g. the previous night's
   * communities of a graph that changed a little): the vertices of one prior community that have a neighbour in
   * {@code graph} start with one shared label; a vertex without a prior community (new tonight) or without any
   * neighbour tonight starts with a label of its own, as in a cold start (an isolated vertex never changes label,
   * so it could not otherwise leave its old community). Update rule, schedule, stopping rule and the naming of
   * communities by their smallest member are those of a cold start, so the result is deterministic for a given
   * graph, seed and prior. It is a fixed point (within the tolerance) like the cold start's, but not necessarily
   * the same one: label propagation has many, and a warm start tends to stay near the prior's.
   *
   * @param priorLabels {@code (id STRING, community_id STRING)}, one row per id, both non-null (a community is
   *     any string shared by its members; ids that are not vertices of {@code graph} are ignored); or {@code null}
   *     for a cold start
   * @throws IllegalArgumentException when {@code priorLabels} lacks a column, names an id twice or holds a null
   */
  public Result run(SocialGraph graph, Dataset<Row> priorLabels) {
    if (priorLabels != null) {
      SocialGraph.requireColumn(priorLabels, "prior communities", SocialColumns.ID, DataTypes.StringType);
      SocialGraph.requireColumn(priorLabels, "prior communities", SocialColumns.COMMUNITY_ID, DataTypes.StringType);
      SocialGraph.requireValid(priorLabels, "prior communities", col(SocialColumns.ID).isNull()
          .or(col(SocialColumns.COMMUNITY_ID).isNull()), "a non-null " + SocialColumns.ID + " and "
          + SocialColumns.COMMUNITY_ID, struct(col(SocialColumns.ID), col(SocialColumns.COMMUNITY_ID)));
    }
    int n = graph.vertexCount();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(graph.spark().sparkContext());
    if (n == 0) {
      return new Result(graph.spark().createDataFrame(List.of(), SCHEMA), 0, 0, 0);
    }
    long start = System.nanoTime();
    Dataset<Row> both = graph.edges().select(SocialGraph.S, SocialGraph.D, SocialGraph.W)
        .union(graph.edges().select(SocialGraph.D, SocialGraph.S, SocialGraph.W));
    JavaRDD<AdjacencyBlock> blocks = AdjacencyBlock.build(both, graph.blockCount(2 * graph.edgeCount()));
    try {
      List<int[]> owned = blocks.map(b -> b.vertices).collect();
      LOG.info("Label propagation: {} vertices, {} adjacency entries in {} blocks, prepared in {} ms", n,
          2 * graph.edgeCount(), owned.size(), (System.nanoTime() - start) / 1_000_000);
      int[] label = priorLabels == null ? singletons(n) : warmStart(graph, priorLabels, owned);
      long loopStart = System.nanoTime();
      long threshold = (long) Math.floor(tolerance * n);
      long unstable = -1;
      for (int iteration = 1; iteration <= maxIterations; iteration++) {
        Broadcast<int[]> labels = jsc.broadcast(label);
        long tieSeed = seed;
        List<int[]> best = blocks.map(b -> b.heaviestLabels(labels.value(), tieSeed)).collect();
        labels.destroy();
        unstable = 0;
        long schedule = Mix.mix64(seed * 31 + iteration);
        int[] next = label.clone();
        for (int b = 0; b < best.size(); b++) {
          int[] vertices = owned.get(b);
          int[] choice = best.get(b);
          for (int i = 0; i < vertices.length; i++) {
            int v = vertices[i];
            if (choice[i] != label[v]) {
              unstable++;
              if ((Mix.mix64(schedule ^ v) & 1L) == 0) {
                next[v] = choice[i];
              }
            }
          }
        }
        if (unstable <= threshold) {
          LOG.info("Label propagation converged after {} iterations ({} unstable vertices, at most {} allowed), "
              + "{} ms per iteration", iteration, unstable, threshold,
              (System.nanoTime() - loopStart) / 1_000_000 / iteration);
          return result(graph, jsc, label, iteration, unstable);
        }
        label = next;
        if (iteration % LOG_EVERY == 0) {
          LOG.info("Label propagation iteration {}: {} unstable vertices ({}), {} ms per iteration", iteration,
              unstable, String.format(Locale.ROOT, "%.3g%%", 100.0 * unstable / n),
              (System.nanoTime() - loopStart) / 1_000_000 / iteration);
        }
      }
      throw new NotConvergedException("Label propagation did not converge within " + maxIterations
          + " iterations: " + unstable + " of " + n + " vertices would still change label, at most " + threshold
          + " allowed (tolerance " + tolerance + "); raise maxIterations or the tolerance");
    } finally {
      blocks.unpersist(false);
    }
  }

  /** Finds the communities of the users of {@code edges} and {@code nodes} (see {@link SocialGraph#of}). */
  public Result run(Dataset<Row> edges, Dataset<Row> nodes) {
    return run(edges, nodes, null);
  }

  /** {@link #run(SocialGraph, Dataset)} on the graph of {@code edges} and {@code nodes}. */
  public Result run(Dataset<Row> edges, Dataset<Row> nodes, Dataset<Row> priorLabels) {
    try (SocialGraph graph = SocialGraph.of(edges, nodes)) {
      return run(graph, priorLabels);
    }
  }

  private static int[] singletons(int n) {
    int[] label = new int[n];
    for (int v = 0; v < n; v++) {
      label[v] = v;
    }
    return label;
  }

  /**
   * Start labels from prior communities: a prior community's members that have a neighbour share the smallest
   * vertex number among them; every other vertex is its own label. Labels stay vertex numbers, and two groups
   * never share one (a group's label is one of its members).
   */
  private static int[] warmStart(SocialGraph graph, Dataset<Row> priorLabels, List<int[]> owned) {
    int n = graph.vertexCount();
    boolean[] linked = new boolean[n];
    for (int[] vertices : owned) {
      for (int v : vertices) {
        linked[v] = true;
      }
    }
    // group of each vertex with a prior community: the smallest vertex number of that community (any vertex)
    Dataset<Row> numbered = graph.numbered(priorLabels.select(col(SocialColumns.ID),
        col(SocialColumns.COMMUNITY_ID)));
    Dataset<Row> groups = numbered.groupBy(col(SocialColumns.COMMUNITY_ID)).agg(min(col(SocialGraph.VID)).as(GROUP));
    SocialGraph.VertexValues<int[]> grouped = SocialGraph.gather(numbered.join(groups, SocialColumns.COMMUNITY_ID)
        .select(col(SocialGraph.VID), col(GROUP)), (row, i, values) -> values[i] = row.getInt(1), int[]::new);
    int[] group = new int[n];
    java.util.Arrays.fill(group, -1);
    for (int p = 0; p < grouped.vertices().size(); p++) {
      int[] vertices = grouped.vertices().get(p);
      int[] values = grouped.values().get(p);
      for (int i = 0; i < vertices.length; i++) {
        group[vertices[i]] = values[i];
      }
    }
    int[] representative = new int[n];
    java.util.Arrays.fill(representative, Integer.MAX_VALUE);
    for (int v = 0; v < n; v++) {
      if (linked[v] && group[v] >= 0) {
        representative[group[v]] = Math.min(representative[group[v]], v);
      }
    }
    int[] label = new int[n];
    long carried = 0;
    long isolated = 0;
    for (int v = 0; v < n; v++) {
      if (group[v] < 0) {
        label[v] = v;
      } else if (!linked[v]) {
        label[v] = v;
        isolated++;
      } else {
        label[v] = representative[group[v]];
        carried++;
      }
    }
    LOG.info("Label propagation warm start: {} of {} vertices start in their prior community, {} new start alone, "
        + "{} without a neighbour start alone", carried, n, n - carried - isolated, isolated);
    return label;
  }

  private static Result result(SocialGraph graph, JavaSparkContext jsc, int[] label, int iterations,
      long unstable) {
    int n = label.length;
    // Vertex numbers follow id order: a community's smallest vertex number is its smallest member id.
    int[] smallest = new int[n];
    java.util.Arrays.fill(smallest, Integer.MAX_VALUE);
    long[] size = new long[n];
    for (int v = 0; v < n; v++) {
      smallest[label[v]] = Math.min(smallest[label[v]], v);
      size[label[v]]++;
    }
    int communities = 0;
    int[] representative = new int[n];
    long[] sizeOf = new long[n];
    for (int v = 0; v < n; v++) {
      representative[v] = smallest[label[v]];
      sizeOf[v] = size[label[v]];
      if (size[v] > 0) {
        communities++;
      }
    }
    Broadcast<int[]> reps = jsc.broadcast(representative);
    Broadcast<long[]> sizes = jsc.broadcast(sizeOf);
    Dataset<Row> byNumber = graph.vertices().map((MapFunction<Row, Row>) row -> {
      int v = row.getInt(1);
      return RowFactory.create(row.getString(0), reps.value()[v], sizes.value()[v]);
    }, Encoders.row(new StructType()
        .add(SocialColumns.ID, DataTypes.StringType, false)
        .add(SocialGraph.VID, DataTypes.IntegerType, false)
        .add(SocialColumns.COMMUNITY_SIZE, DataTypes.LongType, false)));
    Dataset<Row> names = graph.vertices().withColumnRenamed(SocialColumns.ID, SocialColumns.COMMUNITY_ID);
    Dataset<Row> result = byNumber.join(names, SocialGraph.VID)
        .select(SocialColumns.ID, SocialColumns.COMMUNITY_ID, SocialColumns.COMMUNITY_SIZE)
        .localCheckpoint(true);
    reps.destroy();
    sizes.destroy();
    LOG.info("Label propagation: {} communities over {} vertices", communities, n);
    return new Result(result, communities, iterations, unstable);
  }
}
