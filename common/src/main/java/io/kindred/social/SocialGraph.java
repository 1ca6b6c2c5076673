package io.kindred.social;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * A weighted directed graph over string user ids, validated and re-keyed to dense integer vertex numbers, ready for
 * {@link WeightedPageRank} and {@link Communities}. Build it once with {@link #of} and run both algorithms on it.
 *
 * <p>Vertices are every id that appears as an edge endpoint or in the optional node list (so isolated users the
 * caller knows about get a rank and a community of their own). Vertex numbers follow the ids' sort order, so the
 * smallest vertex number of a set of vertices is its smallest id. Self-loops are dropped (a user interacting with
 * themself says nothing about influence or community); duplicate edges are kept as they are and so are summed by
 * both algorithms.
 *
 * <p>Holds cached data: {@link #close()} releases it.
 */
public final class SocialGraph implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SocialGraph.class);

  /** Internal column names of the re-keyed frames. */
  static final String VID = "vid";
  static final String S = "s";
  static final String D = "d";
  static final String W = "w";

  /** Largest node count for which the id-to-number table is broadcast to re-key the edges. */
  private static final long BROADCAST_VERTICES_UP_TO = 4_000_000L;

  private static final StructType VERTICES = new StructType()
      .add(SocialColumns.ID, DataTypes.StringType, false)
      .add(VID, DataTypes.IntegerType, false);

  private final SparkSession spark;
  private final Dataset<Row> vertices;
  private final Dataset<Row> edges;
  private final int vertexCount;
  private final long edgeCount;
  private final long selfLoopsDropped;

  private SocialGraph(SparkSession spark, Dataset<Row> vertices, Dataset<Row> edges, int vertexCount,
      long edgeCount, long selfLoopsDropped) {
    this.spark = spark;
    this.vertices = vertices;
    this.edges = edges;
    this.vertexCount = vertexCount;
    this.edgeCount = edgeCount;
    this.selfLoopsDropped = selfLoopsDropped;
  }

  /**
   * Validates and re-keys a graph.
   *
   * @param edges {@code (src STRING, dst STRING, weight <numeric>)}; other columns are ignored
   * @param nodes {@code (id STRING)}: users to include even without edges, or {@code null} for none
   * @throws IllegalArgumentException when a column is missing or mistyped, or when an edge has a null or empty
   *     endpoint or a weight that is null, NaN, infinite or not strictly positive (naming the first such edge and
   *     how many there are), or when a node id is null or empty
   */
  public static SocialGraph of(Dataset<Row> edges, Dataset<Row> nodes) {
    requireColumn(edges, "edges", SocialColumns.SRC, DataTypes.StringType);
    requireColumn(edges, "edges", SocialColumns.DST, DataTypes.StringType);
    requireNumericColumn(edges, "edges", SocialColumns.WEIGHT);
    if (nodes != null) {
      requireColumn(nodes, "nodes", SocialColumns.ID, DataTypes.StringType);
    }
    SparkSession spark = edges.sparkSession();
    long start = System.nanoTime();

    Dataset<Row> typed = edges.select(col(SocialColumns.SRC), col(SocialColumns.DST),
        col(SocialColumns.WEIGHT).cast(DataTypes.DoubleType).as(SocialColumns.WEIGHT));
    Column w = col(SocialColumns.WEIGHT);
    Column badEdge = col(SocialColumns.SRC).isNull().or(col(SocialColumns.SRC).equalTo(""))
        .or(col(SocialColumns.DST).isNull()).or(col(SocialColumns.DST).equalTo(""))
        .or(w.isNull()).or(isnan(w)).or(w.leq(0)).or(w.equalTo(Double.POSITIVE_INFINITY));
    Row check = typed.agg(
        count(lit(1)),
        sum(when(badEdge, 1).otherwise(0)),
        first(when(badEdge, to_json(struct(col(SocialColumns.SRC), col(SocialColumns.DST), w))), true),
        sum(when(col(SocialColumns.SRC).equalTo(col(SocialColumns.DST)), 1).otherwise(0))).first();
    long total = check.getLong(0);
    long bad = check.isNullAt(1) ? 0 : check.getLong(1);
    if (bad > 0) {
      throw new IllegalArgumentException("Edges must have non-empty " + SocialColumns.SRC + " and "
          + SocialColumns.DST + " and a finite " + SocialColumns.WEIGHT + " > 0; " + bad + " of " + total
          + " edges do not, the first: " + check.getString(2));
    }
    long selfLoops = check.isNullAt(3) ? 0 : check.getLong(3);
    LOG.info("social graph: {} edges validated in {} ms", total, (System.nanoTime() - start) / 1_000_000);

    Dataset<Row> ids = typed.select(col(SocialColumns.SRC).as(SocialColumns.ID))
        .union(typed.select(col(SocialColumns.DST).as(SocialColumns.ID)));
    if (nodes != null) {
      Row nodeCheck = nodes.agg(sum(when(col(SocialColumns.ID).isNull().or(col(SocialColumns.ID).equalTo("")), 1)
          .otherwise(0)), count(lit(1))).first();
      long badNodes = nodeCheck.isNullAt(0) ? 0 : nodeCheck.getLong(0);
      if (badNodes > 0) {
        throw new IllegalArgumentException("Node ids must be non-empty; " + badNodes + " of " + nodeCheck.getLong(1)
            + " nodes have a null or empty " + SocialColumns.ID);
      }
      ids = ids.union(nodes.select(col(SocialColumns.ID)));
    }
    // The sort samples its input and zipWithIndex counts partitions first: keep the distinct ids rather than
    // computing them from the edges three times.
    Dataset<Row> distinctIds = ids.distinct().persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Row> numbered = distinctIds.sort(SocialColumns.ID).toJavaRDD().zipWithIndex().map(t -> {
      if (t._2() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("Too many vertices: more than " + Integer.MAX_VALUE);
      }
      return RowFactory.create(t._1().getString(0), (int) (long) t._2());
    });
    Dataset<Row> vertices = spark.createDataFrame(numbered, VERTICES).persist(StorageLevel.MEMORY_AND_DISK());
    long n = vertices.count();
    distinctIds.unpersist();
    LOG.info("social graph: {} vertices numbered in id order after {} ms", n,
        (System.nanoTime() - start) / 1_000_000);

    Dataset<Row> lookup = n <= BROADCAST_VERTICES_UP_TO ? broadcast(vertices) : vertices;
    Dataset<Row> rekeyed = typed.filter(col(SocialColumns.SRC).notEqual(col(SocialColumns.DST)))
        .join(lookup.withColumnRenamed(SocialColumns.ID, SocialColumns.SRC).withColumnRenamed(VID, S),
            SocialColumns.SRC)
        .join(lookup.withColumnRenamed(SocialColumns.ID, SocialColumns.DST).withColumnRenamed(VID, D),
            SocialColumns.DST)
        .select(col(S), col(D), col(SocialColumns.WEIGHT).as(W))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long m = rekeyed.count();
    LOG.info("social graph: {} vertices, {} edges ({} self-loops dropped) re-keyed in {} ms", n, m, selfLoops,
        (System.nanoTime() - start) / 1_000_000);
    return new SocialGraph(spark, vertices, rekeyed, (int) n, m, selfLoops);
  }

  /** The graph of {@code edges} alone, without isolated nodes. */
  public static SocialGraph of(Dataset<Row> edges) {
    return of(edges, null);
  }

  /** Number of vertices. */
  public int vertexCount() {
    return vertexCount;
  }

  /** Number of edges kept (self-loops dropped, duplicates kept). */
  public long edgeCount() {
    return edgeCount;
  }

  /** Number of self-loops dropped. */
  public long selfLoopsDropped() {
    return selfLoopsDropped;
  }

  SparkSession spark() {
    return spark;
  }

  /** {@code (id STRING, vid INT)}, cached. */
  Dataset<Row> vertices() {
    return vertices;
  }

  /** {@code (s INT, d INT, w DOUBLE)}, cached. */
  Dataset<Row> edges() {
    return edges;
  }

  /** Partitions for adjacency blocks: at least the default parallelism, at most ~2M adjacency entries each. */
  int blockCount(long entries) {
    int parallelism = spark.sparkContext().defaultParallelism();
    return (int) Math.max(parallelism, Math.min(10_000, (entries + 1_999_999) / 2_000_000));
  }

  /**
   * The rows of {@code keyed} {@code (id, value columns...)} whose id is a vertex, re-keyed to
   * {@code (vid INT, value columns...)}; other ids are dropped.
   */
  Dataset<Row> numbered(Dataset<Row> keyed) {
    Dataset<Row> lookup = vertexCount <= BROADCAST_VERTICES_UP_TO ? broadcast(vertices) : vertices;
    List<Column> columns = new ArrayList<>();
    columns.add(col(VID));
    for (String c : keyed.columns()) {
      if (!c.equals(SocialColumns.ID)) {
        columns.add(col(c));
      }
    }
    return lookup.join(keyed, SocialColumns.ID).select(columns.toArray(Column[]::new));
  }

  /** Per-vertex values gathered to the driver: per partition, the vertex numbers and their values. */
  record VertexValues<T>(List<int[]> vertices, List<T> values) {
  }

  /** Stores the value of a {@code (vid, values...)} row at {@code index} of a partition's array. */
  interface Filler<T> extends Serializable {
    void fill(Row row, int index, T values);
  }

  /** Makes a partition's value array of a given size. */
  interface ArrayFactory<T> extends Serializable {
    T create(int size);
  }

  /**
   * Gathers {@code (vid INT, values...)} rows to the driver as primitive arrays (an int and a value per row, no row
   * objects), e.g. a warm start's per-vertex state: O(rows) memory on the driver, as the algorithms' own vectors.
   */
  static <T> VertexValues<T> gather(Dataset<Row> numbered, Filler<T> filler, ArrayFactory<T> factory) {
    List<Tuple2<int[], T>> parts = numbered.toJavaRDD().mapPartitions(rows -> {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add);
      int[] vids = new int[all.size()];
      T values = factory.create(all.size());
      for (int i = 0; i < all.size(); i++) {
        vids[i] = all.get(i).getInt(0);
        filler.fill(all.get(i), i, values);
      }
      return List.of(new Tuple2<>(vids, values)).iterator();
    }).collect();
    List<int[]> vids = new ArrayList<>();
    List<T> values = new ArrayList<>();
    for (Tuple2<int[], T> p : parts) {
      vids.add(p._1());
      values.add(p._2());
    }
    return new VertexValues<>(vids, values);
  }

  /**
   * Checks a per-user input of an algorithm (a warm start's prior): no row matches {@code bad} and no id appears
   * twice.
   *
   * @param what the input's name in messages, e.g. "prior ranks"
   * @param expected what a good row has, e.g. "a non-null id and a finite pagerank >= 0"
   * @param shown the row as shown in the message (a struct, written as JSON)
   * @throws IllegalArgumentException naming the first bad row (or a repeated id) and how many there are
   */
  static void requireValid(Dataset<Row> data, String what, Column bad, String expected, Column shown) {
    Row check = data.agg(count(lit(1)), sum(when(bad, 1).otherwise(0)), first(when(bad, to_json(shown)), true),
        count_distinct(col(SocialColumns.ID))).first();
    long total = check.getLong(0);
    long bads = check.isNullAt(1) ? 0 : check.getLong(1);
    if (bads > 0) {
      throw new IllegalArgumentException("The " + what + " must have " + expected + " in every row; " + bads + " of "
          + total + " rows do not, the first: " + check.getString(2));
    }
    long distinct = check.getLong(3);
    if (distinct != total) {
      Row repeated = data.groupBy(col(SocialColumns.ID)).agg(count(lit(1)).as("_n")).filter(col("_n").gt(1))
          .orderBy(col(SocialColumns.ID)).first();
      throw new IllegalArgumentException("The " + what + " must name each " + SocialColumns.ID + " once; "
          + (total - distinct) + " rows repeat an id, the first: '" + repeated.getString(0) + "' ("
          + repeated.getLong(1) + " rows)");
    }
  }

  @Override
  public void close() {
    edges.unpersist();
    vertices.unpersist();
  }

  static void requireColumn(Dataset<Row> data, String what, String name, DataType type) {
    List<String> present = Arrays.asList(data.columns());
    if (!present.contains(name)) {
      throw new IllegalArgumentException("The " + what + " have no column '" + name + "' (" + type.simpleString()
          + "); columns present: " + present);
    }
    DataType actual = data.schema().apply(name).dataType();
    if (!actual.sameType(type)) {
      throw new IllegalArgumentException("Column '" + name + "' of the " + what + " is " + actual.simpleString()
          + ", expected " + type.simpleString());
    }
  }

  static void requireNumericColumn(Dataset<Row> data, String what, String name) {
    List<String> present = new ArrayList<>(Arrays.asList(data.columns()));
    if (!present.contains(name)) {
      throw new IllegalArgumentException("The " + what + " have no column '" + name + "' (double); columns present: "
          + present);
    }
    DataType actual = data.schema().apply(name).dataType();
    if (!(actual instanceof NumericType)) {
      throw new IllegalArgumentException("Column '" + name + "' of the " + what + " is " + actual.simpleString()
          + ", expected a number (double)");
    }
  }
}
