package io.kindred.clean;

import static org.apache.spark.sql.functions.col;

import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.FollowColumns;
import io.kindred.lake.Tables.InteractionColumns;
import io.kindred.lake.Tables.LineageColumns;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The derived silver tables recomputed for what a cleaning run changed, not for everything: the SCD-2 history of
 * the customers a run touched ({@code silver/customers}) and the follow edges of the (follower, followee) pairs whose
 * events a run touched ({@code silver/follows}). A group's rows depend only on that group's input, so recomputing
 * the touched groups and replacing their rows ({@link io.kindred.lake.DeltaWrites}) gives the table the full
 * recomputation would.
 */
public final class IncrementalHistory {

  /** What identifies a row of {@code silver/customers}: one version of a customer, from one delivery. */
  public static final List<String> CUSTOMER_ROW_KEY = List.of(CustomerColumns.CUSTOMER_ID,
      CustomerColumns.VALID_FROM, LineageColumns.SOURCE, LineageColumns.INGEST_DAY);
  /** What identifies a row of {@code silver/follows}: the pair and the follow event that opened the edge. */
  public static final List<String> FOLLOW_ROW_KEY = List.of(FollowColumns.FOLLOWER, FollowColumns.FOLLOWEE,
      FollowColumns.FOLLOW_EVENT_ID);

  private IncrementalHistory() {
  }

  /**
   * The customers whose history a run changes: those with a new version in the run and those with a row in the
   * range the run replaces.
   *
   * @param versions the run's new versions ({@code customer_id, ...})
   * @param replacedRows the table's rows the run replaces ({@code customer_id, ...})
   * @return {@code (customer_id)}, distinct
   */
  public static Dataset<Row> touchedCustomers(Dataset<Row> versions, Dataset<Row> replacedRows) {
    return versions.select(CustomerColumns.CUSTOMER_ID)
        .union(replacedRows.select(CustomerColumns.CUSTOMER_ID))
        .distinct();
  }

  /**
   * The complete history ({@link Cleaning#withCustomerHistory}) of the touched customers: their rows that stay
   * (not replaced) and the run's new versions.
   *
   * @param touched {@code (customer_id)}, e.g. {@link #touchedCustomers}
   * @param kept the table's rows the run does not replace (any customers: filtered here)
   * @param versions the run's new versions, rows of {@code silver/customers}
   */
  public static Dataset<Row> customerHistoryOf(Dataset<Row> touched, Dataset<Row> kept, Dataset<Row> versions) {
    return Cleaning.withCustomerHistory(DeltaWrites.conform(Tables.SILVER_CUSTOMERS,
            kept.join(touched, List.of(CustomerColumns.CUSTOMER_ID).stream().collect(toSeq()), "left_semi"))
        .unionByName(DeltaWrites.conform(Tables.SILVER_CUSTOMERS, versions)));
  }

  /** The rows of {@code rows} (a table's rows) whose customer is in {@code touched}. */
  public static Dataset<Row> rowsOfCustomers(Dataset<Row> rows, Dataset<Row> touched) {
    return rows.join(touched, List.of(CustomerColumns.CUSTOMER_ID).stream().collect(toSeq()), "left_semi");
  }

  /**
   * The (actor, target) pairs with a follow or unfollow event among {@code before} or {@code after}: the events a
   * run replaced and the ones it wrote in their place. Only these pairs' edges can change.
   *
   * @return {@code (follower, followee)}, distinct
   */
  public static Dataset<Row> touchedFollowPairs(Dataset<Row> before, Dataset<Row> after) {
    return followEvents(before).select(col(InteractionColumns.ACTOR), col(InteractionColumns.TARGET))
        .union(followEvents(after).select(col(InteractionColumns.ACTOR), col(InteractionColumns.TARGET)))
        .distinct()
        .select(col(InteractionColumns.ACTOR).as(FollowColumns.FOLLOWER),
            col(InteractionColumns.TARGET).as(FollowColumns.FOLLOWEE));
  }

  /**
   * {@link Cleaning#followEdges} of the {@code pairs} only, from all their events in {@code interactions} (only the
   * columns the walk needs are read).
   *
   * @param pairs {@code (follower, followee)}
   */
  public static Dataset<Row> followEdgesOf(Dataset<Row> interactions, Dataset<Row> pairs) {
    Dataset<Row> events = followEvents(interactions).select(col(InteractionColumns.ACTOR),
        col(InteractionColumns.TARGET), col(InteractionColumns.TYPE), col(InteractionColumns.EVENT_TS),
        col(InteractionColumns.EVENT_ID));
    Dataset<Row> keys = pairs.select(col(FollowColumns.FOLLOWER).as(InteractionColumns.ACTOR),
        col(FollowColumns.FOLLOWEE).as(InteractionColumns.TARGET));
    return Cleaning.followEdges(events.join(keys,
        List.of(InteractionColumns.ACTOR, InteractionColumns.TARGET).stream().collect(toSeq()), "left_semi"));
  }

  /** The rows of {@code follows} (rows of {@code silver/follows}) of the {@code pairs}. */
  public static Dataset<Row> rowsOfPairs(Dataset<Row> follows, Dataset<Row> pairs) {
    return follows.join(pairs, List.of(FollowColumns.FOLLOWER, FollowColumns.FOLLOWEE).stream().collect(toSeq()),
        "left_semi");
  }

  private static Dataset<Row> followEvents(Dataset<Row> interactions) {
    return interactions.filter(col(InteractionColumns.TYPE).isin(InteractionType.FOLLOW.code(),
        InteractionType.UNFOLLOW.code()));
  }

  private static java.util.stream.Collector<String, ?, scala.collection.immutable.Seq<String>> toSeq() {
    return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(),
        l -> scala.jdk.javaapi.CollectionConverters.asScala(l).toList());
  }

  /** The rows of {@code follows} that are edges (not orphan unfollows), as rows of {@code silver/follows}. */
  public static Dataset<Row> edgesOnly(Dataset<Row> followEdges) {
    return DeltaWrites.conform(Tables.SILVER_FOLLOWS, followEdges.filter(functions.not(col(Cleaning.ORPHAN_UNFOLLOW))));
  }
}
