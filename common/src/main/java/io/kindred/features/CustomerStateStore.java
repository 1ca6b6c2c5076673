package io.kindred.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerStateColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.Steps;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;

/**
 * {@link Tables#GOLD_CUSTOMER_STATE} on the lakehouse: a night reads the latest state before it, folds the silver
 * rows delivered since ({@link CustomerState#fold}), writes the state of the night, deletes the nights past the
 * retention, and derives the night's aggregates from its state ({@link CustomerState#aggregates}). The transforms
 * live in {@link CustomerState}; this class does the reads, writes and their logging.
 *
 * <p>The steps run and log through the given {@link Steps} and logger (the job's), so that a night's log reads as
 * one story.
 */
public final class CustomerStateStore {

  private final SparkSession spark;
  private final Lakehouse lake;
  private final Steps steps;
  private final Logger log;

  public CustomerStateStore(SparkSession spark, Lakehouse lake, Steps steps, Logger log) {
    this.spark = spark;
    this.lake = lake;
    this.steps = steps;
    this.log = log;
  }

  /**
   * The customers' RFM aggregates as of {@code asOf}, folded incrementally: the latest state before {@code asOf}
   * plus the silver rows delivered after it and by {@code asOf}, written as the state of {@code asOf}. After the
   * state of {@code asOf} is written, the partitions dated {@code retentionNights} or more days before it are
   * deleted ({@code 0}: none).
   */
  public Dataset<Row> foldedAggregates(RunMetrics m, LocalDate asOf, int retentionNights) {
    Dataset<Row> silver = lake.read(spark, Tables.SILVER_TRANSACTIONS);
    TableDef stateTable = Tables.GOLD_CUSTOMER_STATE;
    Dataset<Row> states = lake.readOrEmpty(spark, stateTable);
    Column stateDate = col(CustomerStateColumns.AS_OF);
    Row latest = states.filter(stateDate.lt(lit(Date.valueOf(asOf)))).agg(functions.max(stateDate)).first();
    LocalDate priorNight = latest.isNullAt(0) ? null : latest.getDate(0).toLocalDate();
    Dataset<Row> prior = priorNight == null ? states.limit(0)
        : states.filter(stateDate.equalTo(lit(Date.valueOf(priorNight))));
    Column delivered = col(LineageColumns.INGEST_DAY).leq(lit(Date.valueOf(asOf)));
    if (priorNight != null) {
      delivered = delivered.and(col(LineageColumns.INGEST_DAY).gt(lit(Date.valueOf(priorNight))));
    }
    Dataset<Row> deliveries = silver.filter(delivered);
    m.detail("aggregation", "incremental").detail("state_prior_as_of", priorNight == null ? "none" : priorNight);
    log.info("folding deliveries after {} up to {} into the customer state of {}",
        priorNight == null ? "the beginning" : priorNight, asOf, priorNight == null ? "nobody" : priorNight);
    Dataset<Row> state = DeltaWrites.conform(stateTable, CustomerState.fold(prior, deliveries, asOf));
    steps.run("write " + stateTable.relativePath(), () -> DeltaWrites.replace(spark, lake, stateTable, state,
        CustomerStateColumns.AS_OF + " = DATE'" + asOf + "'"));
    // from the two states' counts (every transaction is a purchase or a return), not a second scan of silver
    long folded = steps.run("count folded transactions", () -> CustomerState.transactionsFolded(
        lake.read(spark, stateTable), priorNight, asOf));
    log.info("{} transactions delivered after {} folded into the state", folded,
        priorNight == null ? "the beginning" : priorNight);
    m.detail("transactions_folded", folded);
    if (retentionNights > 0) {
      steps.run("state retention", () -> m.detail("state_nights_deleted",
          deleteBefore(asOf.minusDays(retentionNights - 1L), retentionNights)));
    }
    return CustomerState.aggregates(lake.read(spark, stateTable).filter(stateDate.equalTo(lit(Date.valueOf(asOf)))),
        asOf);
  }

  /**
   * Deletes the {@code gold/customer_state} partitions dated before {@code keepFrom} (one Delta commit; their files
   * go with Delta's VACUUM); returns how many nights it deleted. {@code retentionNights} is only for the log.
   */
  public long deleteBefore(LocalDate keepFrom, int retentionNights) {
    Column old = col(CustomerStateColumns.AS_OF).lt(lit(Date.valueOf(keepFrom)));
    List<Row> nights = lake.read(spark, Tables.GOLD_CUSTOMER_STATE).filter(old)
        .select(CustomerStateColumns.AS_OF).distinct().orderBy(CustomerStateColumns.AS_OF).collectAsList();
    if (nights.isEmpty()) {
      log.info("customer state: no night before {} to delete ({} = {})", keepFrom,
          "kindred." + FeatureSettings.RETENTION_KEY, retentionNights);
      return 0;
    }
    io.delta.tables.DeltaTable.forPath(spark, lake.location(Tables.GOLD_CUSTOMER_STATE).uri()).delete(old);
    log.info("customer state: deleted {} nights {} .. {} (keeping the {} nights from {}, {} = {})",
        nights.size(), nights.get(0).getDate(0), nights.get(nights.size() - 1).getDate(0), retentionNights,
        keepFrom, "kindred." + FeatureSettings.RETENTION_KEY, retentionNights);
    return nights.size();
  }
}
