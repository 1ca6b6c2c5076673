package io.kindred.clean;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.FxRateColumns;
import io.kindred.lake.Tables.InteractionColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.quality.Reason;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The cleaning stage's transformations: pure functions from datasets to datasets. I/O (listing and reading files,
 * writing tables) stays in {@link RawFiles} and the jobs.
 *
 * <p>A record's verdict is its {@code reason} column: null means accepted, {@code exact_duplicate} and
 * {@code forgotten} mean dropped and counted, anything else means quarantined with that reason.
 */
public final class Cleaning {

  /** Internal column: the FX rate found for a transaction. */
  public static final String FX_RATE = "fx_rate";
  /** Internal column: a record's id within one run, unique and stable once the run's records are staged. */
  public static final String ROW_ID = "_row_id";
  private static final String PRIOR = "_prior";

  private Cleaning() {
  }

  /**
   * Numbers identical lines within a file in order (0 for the first), so that a derived id can tell repeated
   * purchases apart.
   */
  public static Dataset<Row> withOccurrence(Dataset<Row> lines) {
    WindowSpec w = Window.partitionBy(col(RecordParser.FILE), col(RecordParser.RAW))
        .orderBy(col(RecordParser.SPLIT_START), col(RecordParser.LINE));
    return lines.withColumn(RecordParser.OCCURRENCE, row_number().over(w).minus(1));
  }

  /**
   * Parses lines ({@link RecordParser#linesSchema()}, followed by the derived values of
   * {@link DerivedFields#withDerivedValues} when the source has derived fields) into records
   * ({@link RecordParser#parsedSchema}).
   */
  public static Dataset<Row> parsedRecords(Dataset<Row> lines, RecordParser parser, Feed feed) {
    List<Column> input = new ArrayList<>(Arrays.stream(RecordParser.linesSchema().fieldNames()).map(functions::col)
        .toList());
    for (String name : lines.columns()) {
      if (name.startsWith(DerivedFields.COLUMN_PREFIX)) {
        input.add(col(name));
      }
    }
    MapPartitionsFunction<Row, Row> parse = rows -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return parser.parse(rows.next());
      }
    };
    return lines.select(input.toArray(Column[]::new))
        .mapPartitions(parse, Encoders.row(RecordParser.parsedSchema(feed)));
  }

  /**
   * Looks up each accepted transaction's FX rate (reporting-currency units per unit) for its UTC date and
   * currency. A currency absent from {@code fxRates} on every date is {@code unknown_currency}; a known currency
   * without a rate that day is {@code missing_fx_rate}.
   *
   * @param fxRates columns date, currency, rate_to_usd (the rate to the reporting currency), one row per (date,
   *     currency); null means the source has no FX feed: only the reporting currency is known, at 1
   * @param reportingCurrency the currency amounts are reported in ({@code kindred.reporting-currency})
   */
  public static Dataset<Row> withFxRates(Dataset<Row> records, Dataset<Row> fxRates, String reportingCurrency) {
    Column accepted = col(RecordParser.REASON).isNull();
    Column currency = col("currency");
    Column day = to_date(col("timestamp"));
    Dataset<Row> out;
    Column known;
    Column rate;
    if (fxRates == null) {
      out = records;
      known = currency.equalTo(lit(reportingCurrency));
      rate = when(known, lit(1).cast(Tables.FX_RATE));
    } else {
      Dataset<Row> currencies = fxRates.select(col(FxRateColumns.CURRENCY).as("_known_currency")).distinct();
      Dataset<Row> rates = fxRates.select(col(FxRateColumns.DATE).as("_fx_date"),
          col(FxRateColumns.CURRENCY).as("_fx_currency"), col(FxRateColumns.RATE_TO_USD).as("_fx_rate"));
      out = records
          .join(broadcast(currencies), currency.equalTo(col("_known_currency")), "left")
          .join(broadcast(rates), day.equalTo(col("_fx_date")).and(currency.equalTo(col("_fx_currency"))), "left");
      known = col("_known_currency").isNotNull();
      rate = col("_fx_rate").cast(Tables.FX_RATE);
    }
    out = out.withColumn(FX_RATE, when(accepted, rate))
        .withColumn(RecordParser.DETAIL, when(accepted.and(functions.not(known)),
                concat(lit("currency '"), currency, lit(fxRates == null ? "' is not the reporting currency "
                    + reportingCurrency + " (kindred.reporting-currency) and the source has no FX feed"
                    : "' is not in the FX-rate table")))
            .when(accepted.and(col(FX_RATE).isNull()),
                concat(lit("no FX rate for "), currency, lit(" on "), day.cast("string")))
            .otherwise(col(RecordParser.DETAIL)))
        .withColumn(RecordParser.REASON, when(accepted.and(functions.not(known)), lit(Reason.UNKNOWN_CURRENCY.code()))
            .when(accepted.and(col(FX_RATE).isNull()), lit(Reason.MISSING_FX_RATE.code()))
            .otherwise(col(RecordParser.REASON)));
    return out.drop("_known_currency", "_fx_date", "_fx_currency", "_fx_rate");
  }

  /**
   * Resolves copies of one key among the accepted records and against {@code prior} (rows already in silver from
   * other delivery days), giving the verdicts of the copies that lose: rows {@code (_row_id, reason, detail)}. The
   * first copy wins: a prior row first, else the earliest delivery day, then the earliest event time, then the raw
   * text and line. A later copy with the winner's content hash is an {@code exact_duplicate} (dropped and counted);
   * with another content it is a {@code conflicting_duplicate}.
   *
   * <p>Only the keys that occur twice in the run or already in {@code prior} are ranked: finding them reads the key
   * columns alone, so a run without duplicates moves keys, not records.
   *
   * @param records parsed records with a unique {@link #ROW_ID}
   * @param keys the columns identifying a record (e.g. transaction_id; customer_id and updated_at)
   * @param prior rows with the key columns, content_hash and ingest_day
   */
  public static Dataset<Row> duplicateVerdicts(Dataset<Row> records, Dataset<Row> prior, List<String> keys) {
    Column[] keyColumns = keys.stream().map(functions::col).toArray(Column[]::new);
    scala.collection.immutable.Seq<String> keySeq = scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq();
    Dataset<Row> candidates = records.filter(col(RecordParser.REASON).isNull());
    Dataset<Row> runKeys = candidates.select(keyColumns);
    Dataset<Row> repeated = runKeys.groupBy(keyColumns).count().filter(col("count").gt(1)).select(keyColumns);
    Dataset<Row> known = prior.select(keyColumns).join(runKeys, keySeq, "left_semi");
    Dataset<Row> contested = repeated.unionByName(known).distinct();

    List<String> priorColumns = new ArrayList<>(keys);
    priorColumns.add(RecordParser.CONTENT_HASH);
    priorColumns.add(RecordParser.INGEST_DAY);
    Dataset<Row> priorRows = prior.select(priorColumns.stream().map(functions::col).toArray(Column[]::new))
        .join(contested, keySeq, "left_semi")
        .withColumn(PRIOR, lit(true));
    List<String> copyColumns = new ArrayList<>(keys);
    copyColumns.addAll(List.of(ROW_ID, RecordParser.CONTENT_HASH, RecordParser.INGEST_DAY, RecordParser.EVENT_TIME,
        RecordParser.RAW, RecordParser.FILE, RecordParser.SPLIT_START, RecordParser.LINE));
    Dataset<Row> copies = candidates.join(contested, keySeq, "left_semi")
        .select(copyColumns.stream().map(functions::col).toArray(Column[]::new))
        .withColumn(PRIOR, lit(false));
    WindowSpec w = Window.partitionBy(keyColumns)
        .orderBy(col(PRIOR).desc(), col(RecordParser.INGEST_DAY), col(RecordParser.EVENT_TIME),
            col(RecordParser.RAW), col(RecordParser.FILE), col(RecordParser.SPLIT_START), col(RecordParser.LINE));
    Column where = when(col("_winner_prior"), lit(" already in silver")).otherwise(lit(" earlier in this run"));
    Column keyText = functions.concat_ws("/", keys.stream().map(k -> col(k).cast("string")).toArray(Column[]::new));
    Column same = col(RecordParser.CONTENT_HASH).equalTo(col("_winner_hash"));
    return copies.unionByName(priorRows, true)
        .withColumn("_rank", row_number().over(w))
        .withColumn("_winner_hash", first(col(RecordParser.CONTENT_HASH)).over(w))
        .withColumn("_winner_prior", first(col(PRIOR)).over(w))
        .filter(functions.not(col(PRIOR)).and(col("_rank").gt(1)))
        .select(col(ROW_ID),
            when(same, lit(Reason.EXACT_DUPLICATE.code())).otherwise(lit(Reason.CONFLICTING_DUPLICATE.code()))
                .as(RecordParser.REASON),
            concat(lit(String.join("/", keys) + " "), keyText, lit(" arrived"), where,
                when(same, lit(" with the same content")).otherwise(lit(" with different content")))
                .as(RecordParser.DETAIL));
  }

  /** {@code records} with the verdicts of {@link #duplicateVerdicts} applied (matched on {@link #ROW_ID}). */
  public static Dataset<Row> withVerdicts(Dataset<Row> records, Dataset<Row> verdicts) {
    Dataset<Row> v = verdicts.select(col(ROW_ID).as("_v_row_id"), col(RecordParser.REASON).as("_v_reason"),
        col(RecordParser.DETAIL).as("_v_detail"));
    return records.join(v, col(ROW_ID).equalTo(col("_v_row_id")), "left")
        .withColumn(RecordParser.DETAIL, when(col("_v_reason").isNotNull(), col("_v_detail"))
            .otherwise(col(RecordParser.DETAIL)))
        .withColumn(RecordParser.REASON, functions.coalesce(col("_v_reason"), col(RecordParser.REASON)))
        .drop("_v_row_id", "_v_reason", "_v_detail");
  }

  /** Accepted transactions as rows of {@code silver/transactions}. */
  public static Dataset<Row> transactionsSilver(Dataset<Row> accepted, String source, String runId) {
    Column quantity = col("quantity");
    return DeltaWrites.conform(Tables.SILVER_TRANSACTIONS, accepted.select(
        col("transaction_id").as(TransactionColumns.TRANSACTION_ID),
        col("customer_id").as(TransactionColumns.CUSTOMER_ID),
        col("timestamp").as(TransactionColumns.TRANSACTION_TS),
        to_date(col("timestamp")).as(TransactionColumns.TRANSACTION_DATE),
        functions.round(col("amount").cast(Tables.ORIGINAL_AMOUNT).multiply(col(FX_RATE)), 2)
            .cast(Tables.AMOUNT).as(TransactionColumns.AMOUNT),
        col("amount").cast(Tables.ORIGINAL_AMOUNT).as(TransactionColumns.ORIGINAL_AMOUNT),
        col("currency").as(TransactionColumns.ORIGINAL_CURRENCY),
        col(FX_RATE).as(TransactionColumns.FX_RATE),
        quantity.as(TransactionColumns.QUANTITY),
        col("product_id").as(TransactionColumns.PRODUCT_ID),
        col("category").as(TransactionColumns.CATEGORY),
        col("channel").as(TransactionColumns.CHANNEL),
        when(quantity.isNotNull(), quantity.lt(0)).otherwise(col("original_transaction_id").isNotNull())
            .as(TransactionColumns.IS_RETURN),
        col("original_transaction_id").as(TransactionColumns.RETURNED_TRANSACTION_ID),
        lit(source).as(LineageColumns.SOURCE),
        col(RecordParser.INGEST_DAY).as(LineageColumns.INGEST_DAY),
        lit(runId).as(LineageColumns.RUN_ID),
        col(RecordParser.CONTENT_HASH).as(LineageColumns.CONTENT_HASH)));
  }

  /** Accepted FX-rate records as rows of {@code silver/fx_rates}. */
  public static Dataset<Row> fxRatesSilver(Dataset<Row> accepted, String source, String runId) {
    return DeltaWrites.conform(Tables.SILVER_FX_RATES, accepted.select(
        col("date").as(FxRateColumns.DATE),
        col("currency").as(FxRateColumns.CURRENCY),
        col("rate_to_usd").cast(Tables.FX_RATE).as(FxRateColumns.RATE_TO_USD),
        lit(source).as(LineageColumns.SOURCE),
        col(RecordParser.INGEST_DAY).as(LineageColumns.INGEST_DAY),
        lit(runId).as(LineageColumns.RUN_ID)));
  }

  /** One rate per (date, currency): the one delivered first. */
  public static Dataset<Row> withOneRatePerDay(Dataset<Row> fxRates) {
    WindowSpec w = Window.partitionBy(col(FxRateColumns.DATE), col(FxRateColumns.CURRENCY))
        .orderBy(col(LineageColumns.INGEST_DAY), col(FxRateColumns.RATE_TO_USD));
    return fxRates.withColumn("_n", row_number().over(w)).filter(col("_n").equalTo(1))
        .select(FxRateColumns.DATE, FxRateColumns.CURRENCY, FxRateColumns.RATE_TO_USD);
  }

  private static final UserDefinedFunction E164 = functions.udf(
      (UDF2<String, String, String>) Phones::toE164, DataTypes.StringType);

  /**
   * Accepted customer records as versions of {@code silver/customers}: e-mail trimmed and lower-cased (blank is
   * null), phone in E.164 by {@link Phones} (null when it cannot be read), country upper-cased; valid_from is
   * updated_at. valid_to and is_current are set by {@link #withCustomerHistory}.
   */
  public static Dataset<Row> customerVersions(Dataset<Row> accepted, String source, String runId) {
    Column email = lower(trim(col("email")));
    return DeltaWrites.conform(Tables.SILVER_CUSTOMERS, accepted.select(
        col("customer_id").as(CustomerColumns.CUSTOMER_ID),
        when(email.equalTo(""), lit(null).cast("string")).otherwise(email).as(CustomerColumns.EMAIL),
        E164.apply(col("phone"), col("country")).as(CustomerColumns.PHONE),
        upper(trim(col("country"))).as(CustomerColumns.COUNTRY),
        col("signup_date").as(CustomerColumns.SIGNUP_DATE),
        col("marketing_consent").as(CustomerColumns.MARKETING_CONSENT),
        col("consent_updated_at").as(CustomerColumns.CONSENT_UPDATED_AT),
        col("updated_at").as(CustomerColumns.UPDATED_AT),
        col("updated_at").as(CustomerColumns.VALID_FROM),
        lit(null).cast("timestamp").as(CustomerColumns.VALID_TO),
        lit(true).as(CustomerColumns.IS_CURRENT),
        lit(source).as(LineageColumns.SOURCE),
        col(RecordParser.INGEST_DAY).as(LineageColumns.INGEST_DAY),
        lit(runId).as(LineageColumns.RUN_ID),
        col(RecordParser.CONTENT_HASH).as(LineageColumns.CONTENT_HASH)));
  }

  /**
   * Sets valid_to (the next version's valid_from, null for the latest) and is_current (valid_to is null) over all
   * versions of each customer (SCD type 2). The customer as of instant t is the version with
   * valid_from &lt;= t &lt; valid_to (or valid_to null).
   */
  public static Dataset<Row> withCustomerHistory(Dataset<Row> versions) {
    WindowSpec w = Window.partitionBy(col(CustomerColumns.CUSTOMER_ID)).orderBy(col(CustomerColumns.VALID_FROM));
    Column next = lead(col(CustomerColumns.VALID_FROM), 1).over(w);
    return DeltaWrites.conform(Tables.SILVER_CUSTOMERS, versions
        .withColumn(CustomerColumns.VALID_TO, next)
        .withColumn(CustomerColumns.IS_CURRENT, col(CustomerColumns.VALID_TO).isNull()));
  }

  /** Accepted interaction records as rows of {@code silver/interactions}. */
  public static Dataset<Row> interactionsSilver(Dataset<Row> accepted, String source, String runId) {
    return DeltaWrites.conform(Tables.SILVER_INTERACTIONS, accepted.select(
        col("event_id").as(InteractionColumns.EVENT_ID),
        col("actor").as(InteractionColumns.ACTOR),
        col("target").as(InteractionColumns.TARGET),
        col("type").as(InteractionColumns.TYPE),
        col("timestamp").as(InteractionColumns.EVENT_TS),
        to_date(col("timestamp")).as(InteractionColumns.EVENT_DATE),
        col("rating").as(InteractionColumns.RATING),
        lit(source).as(LineageColumns.SOURCE),
        col(RecordParser.INGEST_DAY).as(LineageColumns.INGEST_DAY),
        lit(runId).as(LineageColumns.RUN_ID),
        col(RecordParser.CONTENT_HASH).as(LineageColumns.CONTENT_HASH)));
  }

  /** Schema of {@link #followEdges}: the follows table plus a flag for unfollows that closed no edge. */
  public static final String ORPHAN_UNFOLLOW = "orphan_unfollow";

  /**
   * The follow graph from follow and unfollow events, per (actor, target) in time order (ties by event id): a
   * follow opens an edge unless one is open (then it is redundant), an unfollow closes the open edge. An unfollow
   * with no open edge creates no edge; it is returned as a row with {@code orphan_unfollow} true and null
   * valid_from, for counting, and must be filtered out before writing.
   */
  public static Dataset<Row> followEdges(Dataset<Row> interactions) {
    StructType schema = Tables.SILVER_FOLLOWS.schema().add(ORPHAN_UNFOLLOW, DataTypes.BooleanType, false);
    StructType nullable = new StructType(Arrays.stream(schema.fields())
        .map(f -> DataTypes.createStructField(f.name(), f.dataType(), true)).toArray(
            org.apache.spark.sql.types.StructField[]::new));
    MapFunction<Row, String> key = r -> r.getString(0) + "\u0001" + r.getString(1);
    FlatMapGroupsFunction<String, Row, Row> walk = (k, rows) -> {
      List<Row> events = new ArrayList<>();
      rows.forEachRemaining(events::add);
      events.sort(Comparator.comparing((Row r) -> r.getTimestamp(3)).thenComparing(r -> r.getString(4)));
      List<Row> out = new ArrayList<>();
      Timestamp openFrom = null;
      String openEvent = null;
      for (Row e : events) {
        boolean follow = InteractionType.FOLLOW.is(e.getString(2));
        if (follow && openFrom == null) {
          openFrom = e.getTimestamp(3);
          openEvent = e.getString(4);
        } else if (!follow && openFrom != null) {
          out.add(RowFactory.create(e.getString(0), e.getString(1), openFrom, e.getTimestamp(3), openEvent,
              e.getString(4), false));
          openFrom = null;
        } else if (!follow) {
          out.add(RowFactory.create(e.getString(0), e.getString(1), null, e.getTimestamp(3), null, e.getString(4),
              true));
        }
      }
      if (openFrom != null) {
        Row last = events.get(events.size() - 1);
        out.add(RowFactory.create(last.getString(0), last.getString(1), openFrom, null, openEvent, null, false));
      }
      return out.iterator();
    };
    return interactions
        .filter(col(InteractionColumns.TYPE).isin(InteractionType.FOLLOW.code(), InteractionType.UNFOLLOW.code()))
        .select(col(InteractionColumns.ACTOR), col(InteractionColumns.TARGET), col(InteractionColumns.TYPE),
            col(InteractionColumns.EVENT_TS), col(InteractionColumns.EVENT_ID))
        .groupByKey(key, Encoders.STRING())
        .flatMapGroups(walk, Encoders.row(nullable));
  }

  /** Rejected records (reason set, not an exact duplicate) as rows of a quarantine table. */
  public static Dataset<Row> quarantineRows(Dataset<Row> records, String source, LocalDate runDate, String runId) {
    return DeltaWrites.conform(Tables.QUARANTINE_TRANSACTIONS, records
        .filter(col(RecordParser.REASON).isNotNull()
            .and(col(RecordParser.REASON).notEqual(Reason.EXACT_DUPLICATE.code()))
            .and(col(RecordParser.REASON).notEqual(Reason.FORGOTTEN.code())))
        .select(
            col(RecordParser.RAW).as(QuarantineColumns.RAW),
            col(RecordParser.REASON).as(QuarantineColumns.REASON),
            col(RecordParser.DETAIL).as(QuarantineColumns.DETAIL),
            col(RecordParser.RECORD_ID).as(QuarantineColumns.RECORD_ID),
            lit(source).as(QuarantineColumns.SOURCE),
            lit(Date.valueOf(runDate)).as(QuarantineColumns.RUN_DATE),
            lit(runId).as(QuarantineColumns.RUN_ID),
            col(RecordParser.INGEST_DAY).as(QuarantineColumns.INGEST_DAY),
            col(RecordParser.FILE).as(QuarantineColumns.FILE),
            col(RecordParser.LINE).as(QuarantineColumns.LINE)));
  }

  /**
   * {@code records} whose {@code line} counts within a split ({@link RawFiles#readLines}) with the line's number in
   * its file, from {@link RawFiles#lineNumbers} (a small table: one row per split that does not start its file).
   */
  public static Dataset<Row> withLineNumbers(Dataset<Row> records, Dataset<Row> lineOffsets) {
    Dataset<Row> offsets = lineOffsets.select(col(RecordParser.FILE).as("_lo_file"),
        col(RecordParser.SPLIT_START).as("_lo_start"), col("lines_before").as("_lo_before"));
    return records.join(broadcast(offsets), col(RecordParser.FILE).equalTo(col("_lo_file"))
            .and(col(RecordParser.SPLIT_START).equalTo(col("_lo_start"))), "left")
        .withColumn(RecordParser.LINE, col(RecordParser.LINE).plus(functions.coalesce(col("_lo_before"), lit(0L))))
        .drop("_lo_file", "_lo_start", "_lo_before");
  }

  /** Accepted records: reason is null. */
  public static Dataset<Row> accepted(Dataset<Row> records) {
    return records.filter(col(RecordParser.REASON).isNull());
  }
}
