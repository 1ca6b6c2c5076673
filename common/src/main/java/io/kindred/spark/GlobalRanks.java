package io.kindred.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ranks over all rows of a dataset without a global window: {@code rank().over(Window.orderBy(c))} and
 * {@code percent_rank().over(Window.orderBy(c))} move every row to one partition (Spark logs "No Partition Defined
 * for Window operation"); these give the same values with the work spread over the cluster.
 *
 * <p>How: the rows are counted per distinct value ({@code groupBy}), the distinct values are sorted (a
 * range-partitioned sort), one job collects the number of rows in each sorted partition (one number per partition),
 * a second pass adds each partition's offset to a running sum, giving for every distinct value the number of rows
 * strictly below and strictly above it, and those are joined back to the rows by value. The driver holds one
 * number per partition; nothing is ever in one task but one partition's share of the distinct values.
 *
 * <p><b>Nulls</b> are one value, lower than every other: that is what Spark's defaults do ({@code ORDER BY c} is
 * {@code NULLS FIRST}, {@code ORDER BY c DESC} is {@code NULLS LAST}), so the results equal the window functions with
 * default null ordering: nulls share percent_rank 0 and, ranked descending, the rank after every non-null row. NaN
 * is one value above every number and 0.0 equals -0.0, as in Spark's ordering.
 *
 * <p>Unlike other transformations here, each call runs two small Spark jobs when called (the range sort's sampling
 * and the per-partition counts); the returned dataset is lazy. {@code data} is read twice (once counted, once
 * joined): cache it first when it is expensive.
 */
public final class GlobalRanks {

  private static final String VALUE = "_gr_value";
  private static final String ROWS = "_gr_rows";
  private static final String BELOW = "_gr_below";
  private static final String ABOVE = "_gr_above";

  private GlobalRanks() {
  }

  /**
   * Adds {@code outCol} (double) = {@code percent_rank()} over all rows ordered by {@code column} ascending: the
   * share of the other rows with a strictly lower value, (rows below) / (n - 1), and 0 when n = 1.
   */
  public static Dataset<Row> withPercentRank(Dataset<Row> data, String column, String outCol) {
    Counted counted = countBelowAndAbove(data, column);
    long n = counted.rows;
    Column below = col(BELOW).cast(DataTypes.DoubleType);
    Column value = n > 1 ? below.divide(lit((double) (n - 1))) : lit(0.0d);
    return counted.joinedBack(data, column, value, outCol);
  }

  /**
   * Adds {@code outCol} (int) = {@code rank()} over all rows ordered by {@code column}, descending or ascending:
   * 1 + the number of rows strictly before the row's value in that order (tied rows share the best rank).
   */
  public static Dataset<Row> withRank(Dataset<Row> data, String column, boolean descending, String outCol) {
    Counted counted = countBelowAndAbove(data, column);
    Column before = descending ? col(ABOVE) : col(BELOW);
    return counted.joinedBack(data, column, before.plus(lit(1L)).cast(DataTypes.IntegerType), outCol);
  }

  /** Per distinct value of {@code column}: the rows strictly below and strictly above it (nulls lowest). */
  private static Counted countBelowAndAbove(Dataset<Row> data, String column) {
    if (!List.of(data.columns()).contains(column)) {
      throw new IllegalArgumentException("No column '" + column + "' to rank by; columns present: "
          + String.join(", ", data.columns()));
    }
    Dataset<Row> perValue = data.groupBy(col(column).as(VALUE)).agg(count(lit(1)).as(ROWS));
    // values distinct, so the order within and across partitions is total and each pass sees the same partitions
    // (the second job reuses the first one's shuffle output: same RDD)
    JavaRDD<Row> sorted = perValue.orderBy(col(VALUE).asc_nulls_first()).javaRDD();
    Function2<Integer, Iterator<Row>, Iterator<long[]>> totals = (index, rows) -> {
      long sum = 0;
      while (rows.hasNext()) {
        sum += rows.next().getLong(1);
      }
      return List.of(new long[] {index, sum}).iterator();
    };
    List<long[]> partitionTotals = sorted.mapPartitionsWithIndex(totals, true).collect();
    long[] offsets = new long[sorted.getNumPartitions()];
    long all = 0;
    List<long[]> ordered = new ArrayList<>(partitionTotals);
    ordered.sort((a, b) -> Long.compare(a[0], b[0]));
    for (long[] t : ordered) {
      offsets[(int) t[0]] = all;
      all += t[1];
    }
    long n = all;
    Function2<Integer, Iterator<Row>, Iterator<Row>> withOffsets = (index, rows) -> new Iterator<>() {
      private long below = offsets[index];

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        long here = r.getLong(1);
        Row out = RowFactory.create(r.get(0), below, n - below - here);
        below += here;
        return out;
      }
    };
    StructType schema = new StructType()
        .add(VALUE, data.schema().apply(column).dataType(), true)
        .add(BELOW, DataTypes.LongType, false)
        .add(ABOVE, DataTypes.LongType, false);
    Dataset<Row> counts = data.sparkSession().createDataFrame(sorted.mapPartitionsWithIndex(withOffsets, true),
        schema);
    return new Counted(counts, n);
  }

  private record Counted(Dataset<Row> counts, long rows) {

    Dataset<Row> joinedBack(Dataset<Row> data, String column, Column value, String outCol) {
      List<Column> out = new ArrayList<>();
      for (String c : data.columns()) {
        if (!c.equals(outCol)) {
          out.add(data.col(c));
        }
      }
      out.add(value.as(outCol));
      return data.join(counts, data.col(column).eqNullSafe(counts.col(VALUE)), "inner")
          .select(out.toArray(Column[]::new));
    }
  }
}
