package io.kindred.lake;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every Delta table of the lakehouse, defined once: its layer, folder, schema and partitioning. Column names are
 * the constants of the nested {@code *Columns} classes.
 */
public final class Tables {

  private Tables() {
  }

  /** Columns of {@link #RUN_METRICS}. */
  public static final class RunMetricsColumns {
    public static final String JOB = "job";
    public static final String RUN_ID = "run_id";
    public static final String RUN_DATE = "run_date";
    public static final String STARTED_AT = "started_at";
    public static final String FINISHED_AT = "finished_at";
    public static final String DURATION_MS = "duration_ms";
    public static final String STATUS = "status";
    public static final String ROWS_IN = "rows_in";
    public static final String ROWS_WRITTEN = "rows_written";
    public static final String ROWS_QUARANTINED = "rows_quarantined";
    public static final String QUARANTINED_BY_REASON = "quarantined_by_reason";
    public static final String DUPLICATES_DROPPED = "duplicates_dropped";
    public static final String STEP_DURATIONS_MS = "step_durations_ms";
    public static final String DETAILS = "details";
    public static final String MESSAGE = "message";
    public static final String HOST = "host";
    public static final String PID = "pid";
    /** Records dropped because their customer was forgotten (ops/erasure_requests); null in rows of older runs. */
    public static final String ROWS_FORGOTTEN = "rows_forgotten";

    private RunMetricsColumns() {
    }
  }

  /** {@code ops/run_metrics}: one row per job run, successful or not. */
  public static final TableDef RUN_METRICS = new TableDef(Layer.OPS, "run_metrics",
      createStructType(new StructField[] {
          createStructField(RunMetricsColumns.JOB, StringType, false),
          createStructField(RunMetricsColumns.RUN_ID, StringType, false),
          createStructField(RunMetricsColumns.RUN_DATE, DateType, true),
          createStructField(RunMetricsColumns.STARTED_AT, TimestampType, false),
          createStructField(RunMetricsColumns.FINISHED_AT, TimestampType, true),
          createStructField(RunMetricsColumns.DURATION_MS, LongType, true),
          createStructField(RunMetricsColumns.STATUS, StringType, false),
          createStructField(RunMetricsColumns.ROWS_IN, LongType, false),
          createStructField(RunMetricsColumns.ROWS_WRITTEN, LongType, false),
          createStructField(RunMetricsColumns.ROWS_QUARANTINED, LongType, false),
          createStructField(RunMetricsColumns.QUARANTINED_BY_REASON, createMapType(StringType, LongType, false),
              false),
          createStructField(RunMetricsColumns.DUPLICATES_DROPPED, LongType, false),
          createStructField(RunMetricsColumns.STEP_DURATIONS_MS, createMapType(StringType, LongType, false),
              false),
          createStructField(RunMetricsColumns.DETAILS, createMapType(StringType, StringType, true), false),
          createStructField(RunMetricsColumns.MESSAGE, StringType, true),
          createStructField(RunMetricsColumns.HOST, StringType, true),
          createStructField(RunMetricsColumns.PID, LongType, true),
          createStructField(RunMetricsColumns.ROWS_FORGOTTEN, LongType, true),
      }),
      List.of(),
      "One row per job run, written when it starts (status running) and updated when it ends (succeeded or failed): "
          + "rows in, written, quarantined by reason, duplicates dropped, forgotten, step durations, the driver's host and "
          + "pid.");

  /** Columns of {@link #ERASURE_REQUESTS}. */
  public static final class ErasureRequestColumns {
    public static final String REQUEST_ID = "request_id";
    public static final String REQUESTED_AT = "requested_at";
    /** The person's id hashed with the lakehouse's salt (see io.kindred.privacy.Erasure): never the id itself. */
    public static final String CUSTOMER_HASH = "customer_hash";
    public static final String STATUS = "status";
    public static final String COMPLETED_AT = "completed_at";
    /** Rows removed by the request (all its customers), per table; community names renamed count as rows. */
    public static final String ROWS_REMOVED = "rows_removed";
    /** Raw and exported files the request rewrote without the customers' lines or rows. */
    public static final String FILES_REWRITTEN = "files_rewritten";
    public static final String RETENTION_HOURS = "retention_hours";
    public static final String RUN_ID = LineageColumns.RUN_ID;
    /** Recorded before anything is removed: from then on the cleaning jobs drop the customer's records. */
    public static final String REQUESTED = "requested";
    /** Every table, raw file and export rewritten and vacuumed. */
    public static final String COMPLETED = "completed";

    private ErasureRequestColumns() {
    }
  }

  /** {@code ops/erasure_requests}: one row per customer of each forget request, the id hashed (salted). */
  public static final TableDef ERASURE_REQUESTS = new TableDef(Layer.OPS, "erasure_requests",
      createStructType(new StructField[] {
          createStructField(ErasureRequestColumns.REQUEST_ID, StringType, false),
          createStructField(ErasureRequestColumns.REQUESTED_AT, TimestampType, false),
          createStructField(ErasureRequestColumns.CUSTOMER_HASH, StringType, false),
          createStructField(ErasureRequestColumns.STATUS, StringType, false),
          createStructField(ErasureRequestColumns.COMPLETED_AT, TimestampType, true),
          createStructField(ErasureRequestColumns.ROWS_REMOVED, createMapType(StringType, LongType, false), true),
          createStructField(ErasureRequestColumns.FILES_REWRITTEN, createArrayType(StringType, false), true),
          createStructField(ErasureRequestColumns.RETENTION_HOURS, LongType, true),
          createStructField(ErasureRequestColumns.RUN_ID, StringType, false),
      }),
      List.of(),
      "One row per customer of each forget request: the id hashed with the lakehouse's salt, status requested then "
          + "completed, rows removed per table and files rewritten by the request, the VACUUM retention used.")
      .withStatsColumns(ErasureRequestColumns.REQUEST_ID, ErasureRequestColumns.REQUESTED_AT);

  /** Columns of {@link #EXPORTS}. */
  public static final class ExportColumns {
    public static final String EXPORTED_AT = "exported_at";
    public static final String RUN_ID = "run_id";
    public static final String RUN_DATE = "run_date";
    public static final String AUDIENCE = "audience";
    public static final String FORMAT = "format";
    public static final String PATH = "path";
    public static final String ROWS = "rows";

    private ExportColumns() {
    }
  }

  public static final TableDef EXPORTS = new TableDef(Layer.OPS, "exports",
      createStructType(new StructField[] {
          createStructField(ExportColumns.EXPORTED_AT, TimestampType, false),
          createStructField(ExportColumns.RUN_ID, StringType, false),
          createStructField(ExportColumns.RUN_DATE, DateType, false),
          createStructField(ExportColumns.AUDIENCE, StringType, false),
          createStructField(ExportColumns.FORMAT, StringType, false),
          createStructField(ExportColumns.PATH, StringType, false),
          createStructField(ExportColumns.ROWS, LongType, false),
      }),
      List.of(),
      "One row per audience file written by export-audience: when, which audience of which night, the file and its "
          + "rows; the files to recall when a customer must be forgotten.");

  /** Amounts in the reporting currency ({@code kindred.reporting-currency}, USD by default). */
  public static final DataType AMOUNT = DataTypes.createDecimalType(18, 2);
  /** Amounts as they arrived, in their own currency. */
  public static final DataType ORIGINAL_AMOUNT = DataTypes.createDecimalType(18, 4);
  /** FX rates: US dollars per unit of a currency. */
  public static final DataType FX_RATE = DataTypes.createDecimalType(18, 8);

  /** Columns every cleaned (silver) table carries for lineage and reruns. */
  public static final class LineageColumns {
    /** The name of the source definition the row came through. */
    public static final String SOURCE = "source";
    /** The delivery day (folder) the row arrived in; a rerun replaces exactly what a delivery day contributed. */
    public static final String INGEST_DAY = "ingest_day";
    /** The run that wrote the row. */
    public static final String RUN_ID = "run_id";
    /** SHA-256 of the row's canonical content: equal hashes under one key are exact duplicates. */
    public static final String CONTENT_HASH = "content_hash";

    private LineageColumns() {
    }
  }

  /** Columns of {@link #SILVER_TRANSACTIONS}. */
  public static final class TransactionColumns {
    public static final String TRANSACTION_ID = "transaction_id";
    public static final String CUSTOMER_ID = "customer_id";
    public static final String TRANSACTION_TS = "transaction_ts";
    public static final String TRANSACTION_DATE = "transaction_date";
    public static final String AMOUNT = "amount";
    public static final String ORIGINAL_AMOUNT = "original_amount";
    public static final String ORIGINAL_CURRENCY = "original_currency";
    public static final String FX_RATE = "fx_rate";
    public static final String QUANTITY = "quantity";
    public static final String PRODUCT_ID = "product_id";
    public static final String CATEGORY = "category";
    public static final String CHANNEL = "channel";
    public static final String IS_RETURN = "is_return";
    public static final String RETURNED_TRANSACTION_ID = "returned_transaction_id";

    private TransactionColumns() {
    }
  }

  /** {@code silver/transactions}: one row per accepted transaction; returns are negative rows. */
  public static final TableDef SILVER_TRANSACTIONS = new TableDef(Layer.SILVER, "transactions",
      createStructType(new StructField[] {
          createStructField(TransactionColumns.TRANSACTION_ID, StringType, false),
          createStructField(TransactionColumns.CUSTOMER_ID, StringType, false),
          createStructField(TransactionColumns.TRANSACTION_TS, TimestampType, false),
          createStructField(TransactionColumns.TRANSACTION_DATE, DateType, false),
          createStructField(TransactionColumns.AMOUNT, AMOUNT, false),
          createStructField(TransactionColumns.ORIGINAL_AMOUNT, ORIGINAL_AMOUNT, false),
          createStructField(TransactionColumns.ORIGINAL_CURRENCY, StringType, false),
          createStructField(TransactionColumns.FX_RATE, FX_RATE, false),
          createStructField(TransactionColumns.QUANTITY, IntegerType, true),
          createStructField(TransactionColumns.PRODUCT_ID, StringType, true),
          createStructField(TransactionColumns.CATEGORY, StringType, true),
          createStructField(TransactionColumns.CHANNEL, StringType, true),
          createStructField(TransactionColumns.IS_RETURN, BooleanType, false),
          createStructField(TransactionColumns.RETURNED_TRANSACTION_ID, StringType, true),
          createStructField(LineageColumns.SOURCE, StringType, false),
          createStructField(LineageColumns.INGEST_DAY, DateType, false),
          createStructField(LineageColumns.RUN_ID, StringType, false),
          createStructField(LineageColumns.CONTENT_HASH, StringType, false),
      }),
      List.of(TransactionColumns.TRANSACTION_DATE),
      "Cleaned transactions: UTC timestamps, amounts in the reporting currency (USD by default; returns "
          + "negative), linked returns, lineage.")
      // readers skip files by delivery day (a night's fold), time and customer; the other columns need no stats
      .withStatsColumns(LineageColumns.INGEST_DAY, TransactionColumns.TRANSACTION_TS)
      .withIdColumns(TransactionColumns.CUSTOMER_ID);

  /** Columns of {@link #SILVER_FX_RATES}. */
  public static final class FxRateColumns {
    public static final String DATE = "date";
    public static final String CURRENCY = "currency";
    public static final String RATE_TO_USD = "rate_to_usd";

    private FxRateColumns() {
    }
  }

  /** {@code silver/fx_rates}: US dollars per unit of each currency, per day. */
  public static final TableDef SILVER_FX_RATES = new TableDef(Layer.SILVER, "fx_rates",
      createStructType(new StructField[] {
          createStructField(FxRateColumns.DATE, DateType, false),
          createStructField(FxRateColumns.CURRENCY, StringType, false),
          createStructField(FxRateColumns.RATE_TO_USD, FX_RATE, false),
          createStructField(LineageColumns.SOURCE, StringType, false),
          createStructField(LineageColumns.INGEST_DAY, DateType, false),
          createStructField(LineageColumns.RUN_ID, StringType, false),
      }),
      List.of(),
      "Daily FX rates (reporting-currency units per unit, the column named for USD, the default) used to "
          + "convert transaction amounts.");

  /** Columns of {@link #SILVER_CUSTOMERS}. */
  public static final class CustomerColumns {
    public static final String CUSTOMER_ID = "customer_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String COUNTRY = "country";
    public static final String SIGNUP_DATE = "signup_date";
    public static final String MARKETING_CONSENT = "marketing_consent";
    public static final String CONSENT_UPDATED_AT = "consent_updated_at";
    public static final String UPDATED_AT = "updated_at";
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String IS_CURRENT = "is_current";

    private CustomerColumns() {
    }
  }

  /** {@code silver/customers}: every version of every customer (SCD type 2); {@code is_current} marks the latest. */
  public static final TableDef SILVER_CUSTOMERS = new TableDef(Layer.SILVER, "customers",
      createStructType(new StructField[] {
          createStructField(CustomerColumns.CUSTOMER_ID, StringType, false),
          createStructField(CustomerColumns.EMAIL, StringType, true),
          createStructField(CustomerColumns.PHONE, StringType, true),
          createStructField(CustomerColumns.COUNTRY, StringType, true),
          createStructField(CustomerColumns.SIGNUP_DATE, DateType, true),
          createStructField(CustomerColumns.MARKETING_CONSENT, BooleanType, true),
          createStructField(CustomerColumns.CONSENT_UPDATED_AT, TimestampType, true),
          createStructField(CustomerColumns.UPDATED_AT, TimestampType, false),
          createStructField(CustomerColumns.VALID_FROM, TimestampType, false),
          createStructField(CustomerColumns.VALID_TO, TimestampType, true),
          createStructField(CustomerColumns.IS_CURRENT, BooleanType, false),
          createStructField(LineageColumns.SOURCE, StringType, false),
          createStructField(LineageColumns.INGEST_DAY, DateType, false),
          createStructField(LineageColumns.RUN_ID, StringType, false),
          createStructField(LineageColumns.CONTENT_HASH, StringType, false),
      }),
      List.of(),
      "Customer history (SCD type 2): normalised e-mail and E.164 phone, consent; is_current marks the latest.")
      .withStatsColumns(LineageColumns.INGEST_DAY, CustomerColumns.VALID_FROM, LineageColumns.SOURCE)
      .withIdColumns(CustomerColumns.CUSTOMER_ID)
      .withPersonalColumns(CustomerColumns.EMAIL, CustomerColumns.PHONE);

  /** Columns of {@link #SILVER_INTERACTIONS}. */
  public static final class InteractionColumns {
    public static final String EVENT_ID = "event_id";
    public static final String ACTOR = "actor";
    public static final String TARGET = "target";
    public static final String TYPE = "type";
    public static final String EVENT_TS = "event_ts";
    public static final String EVENT_DATE = "event_date";
    public static final String RATING = "rating";

    private InteractionColumns() {
    }
  }

  /** {@code silver/interactions}: accepted social events. */
  public static final TableDef SILVER_INTERACTIONS = new TableDef(Layer.SILVER, "interactions",
      createStructType(new StructField[] {
          createStructField(InteractionColumns.EVENT_ID, StringType, false),
          createStructField(InteractionColumns.ACTOR, StringType, false),
          createStructField(InteractionColumns.TARGET, StringType, false),
          createStructField(InteractionColumns.TYPE, StringType, false),
          createStructField(InteractionColumns.EVENT_TS, TimestampType, false),
          createStructField(InteractionColumns.EVENT_DATE, DateType, false),
          createStructField(InteractionColumns.RATING, IntegerType, true),
          createStructField(LineageColumns.SOURCE, StringType, false),
          createStructField(LineageColumns.INGEST_DAY, DateType, false),
          createStructField(LineageColumns.RUN_ID, StringType, false),
          createStructField(LineageColumns.CONTENT_HASH, StringType, false),
      }),
      List.of(InteractionColumns.EVENT_DATE),
      "Cleaned social events: follow, unfollow, like, comment, share, mention, referral, review (rating 1..5).")
      .withStatsColumns(LineageColumns.INGEST_DAY, InteractionColumns.EVENT_TS)
      .withIdColumns(InteractionColumns.ACTOR, InteractionColumns.TARGET);

  /** Columns of {@link #SILVER_FOLLOWS}. */
  public static final class FollowColumns {
    public static final String FOLLOWER = "follower";
    public static final String FOLLOWEE = "followee";
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String FOLLOW_EVENT_ID = "follow_event_id";
    public static final String UNFOLLOW_EVENT_ID = "unfollow_event_id";

    private FollowColumns() {
    }
  }

  /** {@code silver/follows}: the follow graph over time; valid_to is null while the edge is active. */
  public static final TableDef SILVER_FOLLOWS = new TableDef(Layer.SILVER, "follows",
      createStructType(new StructField[] {
          createStructField(FollowColumns.FOLLOWER, StringType, false),
          createStructField(FollowColumns.FOLLOWEE, StringType, false),
          createStructField(FollowColumns.VALID_FROM, TimestampType, false),
          createStructField(FollowColumns.VALID_TO, TimestampType, true),
          createStructField(FollowColumns.FOLLOW_EVENT_ID, StringType, false),
          createStructField(FollowColumns.UNFOLLOW_EVENT_ID, StringType, true),
      }),
      List.of(),
      "Follow edges rebuilt from follow/unfollow events: valid_from, valid_to (null while active).")
      .withStatsColumns(FollowColumns.VALID_FROM, FollowColumns.VALID_TO)
      .withIdColumns(FollowColumns.FOLLOWER, FollowColumns.FOLLOWEE);

  /** Columns of every quarantine table. */
  public static final class QuarantineColumns {
    /** The record exactly as it arrived (a line without its line end; JSON of the row for Parquet/Delta). */
    public static final String RAW = "raw";
    public static final String REASON = "reason";
    /** A human-readable explanation naming the offending value. */
    public static final String DETAIL = "detail";
    /** The record's id when it could be read (transaction, customer or event id), else null. */
    public static final String RECORD_ID = "record_id";
    public static final String SOURCE = LineageColumns.SOURCE;
    public static final String RUN_DATE = "run_date";
    public static final String RUN_ID = LineageColumns.RUN_ID;
    public static final String INGEST_DAY = LineageColumns.INGEST_DAY;
    public static final String FILE = "file";
    /** 1-based line number in the file (data lines and header alike), null for Parquet/Delta rows. */
    public static final String LINE = "line";

    private QuarantineColumns() {
    }
  }

  private static StructType quarantineSchema() {
    return createStructType(new StructField[] {
        createStructField(QuarantineColumns.RAW, StringType, true),
        createStructField(QuarantineColumns.REASON, StringType, false),
        createStructField(QuarantineColumns.DETAIL, StringType, true),
        createStructField(QuarantineColumns.RECORD_ID, StringType, true),
        createStructField(QuarantineColumns.SOURCE, StringType, false),
        createStructField(QuarantineColumns.RUN_DATE, DateType, false),
        createStructField(QuarantineColumns.RUN_ID, StringType, false),
        createStructField(QuarantineColumns.INGEST_DAY, DateType, false),
        createStructField(QuarantineColumns.FILE, StringType, false),
        createStructField(QuarantineColumns.LINE, LongType, true),
    });
  }

  /** {@code quarantine/transactions}: rejected transaction records with their reason. */
  public static final TableDef QUARANTINE_TRANSACTIONS = new TableDef(Layer.QUARANTINE, "transactions",
      quarantineSchema(), List.of(), "Rejected transaction records, as they arrived, with reason codes.")
      .withStatsColumns(QuarantineColumns.INGEST_DAY, QuarantineColumns.SOURCE, QuarantineColumns.REASON,
          QuarantineColumns.RUN_DATE)
      .withPersonalColumns(QuarantineColumns.RAW, QuarantineColumns.RECORD_ID);

  /** {@code quarantine/customers}: rejected customer records with their reason. */
  public static final TableDef QUARANTINE_CUSTOMERS = new TableDef(Layer.QUARANTINE, "customers",
      quarantineSchema(), List.of(), "Rejected customer records, as they arrived, with reason codes.")
      .withStatsColumns(QuarantineColumns.INGEST_DAY, QuarantineColumns.SOURCE, QuarantineColumns.REASON,
          QuarantineColumns.RUN_DATE)
      .withPersonalColumns(QuarantineColumns.RAW, QuarantineColumns.RECORD_ID);

  /** {@code quarantine/interactions}: rejected interaction records with their reason. */
  public static final TableDef QUARANTINE_INTERACTIONS = new TableDef(Layer.QUARANTINE, "interactions",
      quarantineSchema(), List.of(), "Rejected interaction records, as they arrived, with reason codes.")
      .withStatsColumns(QuarantineColumns.INGEST_DAY, QuarantineColumns.SOURCE, QuarantineColumns.REASON,
          QuarantineColumns.RUN_DATE)
      .withPersonalColumns(QuarantineColumns.RAW, QuarantineColumns.RECORD_ID);

  /** Columns of {@link #GOLD_CUSTOMER_FEATURES}. */
  public static final class CustomerFeatureColumns {
    /** The snapshot's date: only transactions dated (and, by default, delivered) up to it are used. */
    public static final String AS_OF = "as_of";
    public static final String CUSTOMER_ID = "customer_id";
    /** First and last day with a purchase (not a return), UTC. */
    public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
    public static final String LAST_PURCHASE_DATE = "last_purchase_date";
    /** Days from the last purchase day to as_of. */
    public static final String RECENCY_DAYS = "recency_days";
    /** Days from the first purchase day to as_of. */
    public static final String TENURE_DAYS = "tenure_days";
    /** Distinct days with a purchase. */
    public static final String PURCHASE_DAYS = "purchase_days";
    /** Purchase days after the first: the models' x. */
    public static final String REPEAT_PURCHASE_DAYS = "repeat_purchase_days";
    /** Purchase transactions (returns not counted). */
    public static final String TRANSACTIONS = "transactions";
    /** Return transactions. */
    public static final String RETURNS = "returns";
    /** Sum of purchases, USD. */
    public static final String GROSS_AMOUNT = "gross_amount";
    /** Sum of returns, USD, zero or negative. */
    public static final String RETURNED_AMOUNT = "returned_amount";
    /** gross_amount + returned_amount: monetary net of returns, USD. */
    public static final String MONETARY = "monetary";
    /** monetary / purchase_days, rounded half-up to cents. */
    public static final String MONETARY_PER_DAY = "monetary_per_day";
    public static final String R_SCORE = "r_score";
    public static final String F_SCORE = "f_score";
    public static final String M_SCORE = "m_score";
    public static final String RFM_SEGMENT = "rfm_segment";
    /** The CLV models' summary in clv_unit: x (= repeat_purchase_days), t_x, T, and mbar (mean repeat-day value). */
    public static final String CLV_X = "clv_x";
    public static final String CLV_T_X = "clv_t_x";
    public static final String CLV_T = "clv_t";
    public static final String CLV_MBAR = "clv_mbar";
    public static final String CLV_UNIT = "clv_unit";
    public static final String PROBABILITY_ALIVE = "probability_alive";
    public static final String EXPECTED_PURCHASES_30D = "expected_purchases_30d";
    public static final String EXPECTED_PURCHASES_90D = "expected_purchases_90d";
    public static final String EXPECTED_PURCHASES_365D = "expected_purchases_365d";
    public static final String EXPECTED_AVERAGE_SPEND = "expected_average_spend";
    public static final String CLV = "clv";
    /** P(no purchase in the churn horizon) from the churn model; null only when kindred.features.churn.enabled
     * is false. */
    public static final String CHURN_PROBABILITY = "churn_probability";
    /** The churn model's version (models/churn/&lt;version&gt;), null when churn is disabled. */
    public static final String CHURN_MODEL_VERSION = "churn_model_version";
    // Social features, joined in by build-social-features for the same as_of; null until that stage has run for
    // the snapshot (build-features writes the snapshot without them). A customer with no social activity gets
    // zeros, never nulls, once the stage has run.
    /** Followers at as_of (silver/follows edges valid at the end of the day). */
    public static final String FOLLOWERS = "followers";
    /** Users the customer follows at as_of. */
    public static final String FOLLOWING = "following";
    /** Weighted PageRank over the interaction graph of every social user (mean 1 over the graph). */
    public static final String INFLUENCE = "influence";
    /** Share of the other social users with a lower influence, 0..1 (percent_rank: 1 for the most influential). */
    public static final String INFLUENCE_PERCENTILE = "influence_percentile";
    /** The opinion-leader rule of kindred.social.opinion-leaders. */
    public static final String OPINION_LEADER = "opinion_leader";
    /** The customer's peer community (label propagation). */
    public static final String COMMUNITY_ID = "community_id";
    public static final String COMMUNITY_SIZE = "community_size";
    /** Net spend (USD) in the 90 days to as_of of the users the customer follows. */
    public static final String PEER_SPEND_90D = "peer_spend_90d";
    /** Referred users who became customers. */
    public static final String REFERRALS_CONVERTED = "referrals_converted";
    public static final String RUN_ID = LineageColumns.RUN_ID;

    private CustomerFeatureColumns() {
    }
  }

  /** {@code gold/customer_features}: one snapshot per as-of date, one row per customer with a purchase by then. */
  public static final TableDef GOLD_CUSTOMER_FEATURES = new TableDef(Layer.GOLD, "customer_features",
      createStructType(new StructField[] {
          createStructField(CustomerFeatureColumns.AS_OF, DateType, false),
          createStructField(CustomerFeatureColumns.CUSTOMER_ID, StringType, false),
          createStructField(CustomerFeatureColumns.FIRST_PURCHASE_DATE, DateType, false),
          createStructField(CustomerFeatureColumns.LAST_PURCHASE_DATE, DateType, false),
          createStructField(CustomerFeatureColumns.RECENCY_DAYS, IntegerType, false),
          createStructField(CustomerFeatureColumns.TENURE_DAYS, IntegerType, false),
          createStructField(CustomerFeatureColumns.PURCHASE_DAYS, IntegerType, false),
          createStructField(CustomerFeatureColumns.REPEAT_PURCHASE_DAYS, IntegerType, false),
          createStructField(CustomerFeatureColumns.TRANSACTIONS, LongType, false),
          createStructField(CustomerFeatureColumns.RETURNS, LongType, false),
          createStructField(CustomerFeatureColumns.GROSS_AMOUNT, AMOUNT, false),
          createStructField(CustomerFeatureColumns.RETURNED_AMOUNT, AMOUNT, false),
          createStructField(CustomerFeatureColumns.MONETARY, AMOUNT, false),
          createStructField(CustomerFeatureColumns.MONETARY_PER_DAY, AMOUNT, false),
          createStructField(CustomerFeatureColumns.R_SCORE, IntegerType, false),
          createStructField(CustomerFeatureColumns.F_SCORE, IntegerType, false),
          createStructField(CustomerFeatureColumns.M_SCORE, IntegerType, false),
          createStructField(CustomerFeatureColumns.RFM_SEGMENT, StringType, false),
          createStructField(CustomerFeatureColumns.CLV_X, IntegerType, false),
          createStructField(CustomerFeatureColumns.CLV_T_X, DoubleType, false),
          createStructField(CustomerFeatureColumns.CLV_T, DoubleType, false),
          createStructField(CustomerFeatureColumns.CLV_MBAR, DoubleType, false),
          createStructField(CustomerFeatureColumns.CLV_UNIT, StringType, false),
          createStructField(CustomerFeatureColumns.PROBABILITY_ALIVE, DoubleType, false),
          createStructField(CustomerFeatureColumns.EXPECTED_PURCHASES_30D, DoubleType, false),
          createStructField(CustomerFeatureColumns.EXPECTED_PURCHASES_90D, DoubleType, false),
          createStructField(CustomerFeatureColumns.EXPECTED_PURCHASES_365D, DoubleType, false),
          createStructField(CustomerFeatureColumns.EXPECTED_AVERAGE_SPEND, DoubleType, false),
          createStructField(CustomerFeatureColumns.CLV, DoubleType, false),
          createStructField(CustomerFeatureColumns.CHURN_PROBABILITY, DoubleType, true),
          createStructField(CustomerFeatureColumns.CHURN_MODEL_VERSION, StringType, true),
          createStructField(CustomerFeatureColumns.FOLLOWERS, IntegerType, true),
          createStructField(CustomerFeatureColumns.FOLLOWING, IntegerType, true),
          createStructField(CustomerFeatureColumns.INFLUENCE, DoubleType, true),
          createStructField(CustomerFeatureColumns.INFLUENCE_PERCENTILE, DoubleType, true),
          createStructField(CustomerFeatureColumns.OPINION_LEADER, BooleanType, true),
          createStructField(CustomerFeatureColumns.COMMUNITY_ID, StringType, true),
          createStructField(CustomerFeatureColumns.COMMUNITY_SIZE, LongType, true),
          createStructField(CustomerFeatureColumns.PEER_SPEND_90D, AMOUNT, true),
          createStructField(CustomerFeatureColumns.REFERRALS_CONVERTED, IntegerType, true),
          createStructField(CustomerFeatureColumns.RUN_ID, StringType, false),
      }),
      List.of(CustomerFeatureColumns.AS_OF),
      "Per customer and as-of date: RFM aggregates, R/F/M quintile scores and segment, BG/NBD + Gamma-Gamma CLV.")
      // no statistics: its one id column is personal, and a snapshot is read whole or by customer
      .withIdColumns(CustomerFeatureColumns.CUSTOMER_ID)
      .withIdNameColumns(CustomerFeatureColumns.COMMUNITY_ID);

  /** Columns of {@link #GOLD_CLV_MODELS}. */
  public static final class ClvModelColumns {
    public static final String RUN_ID = LineageColumns.RUN_ID;
    public static final String AS_OF = "as_of";
    /** bg_nbd, mbg_nbd, pareto_nbd or gamma_gamma. */
    public static final String MODEL = "model";
    /** days or weeks: the unit of t_x, T and alpha. */
    public static final String UNIT = "unit";
    public static final String CALIBRATION_END = "calibration_end";
    /**
     * With --calibration-start: the fit saw only customers whose first purchase is on or after this date (a
     * cohort); null when every customer entered the fit.
     */
    public static final String CALIBRATION_START = "calibration_start";
    public static final String PARAMETERS = "parameters";
    public static final String STANDARD_ERRORS = "standard_errors";
    public static final String LOG_LIKELIHOOD = "log_likelihood";
    public static final String CUSTOMERS = "customers";
    /** Distinct (x, t_x, T) triples, or (x, mbar) rows for gamma_gamma: what the likelihood loops over. */
    public static final String DISTINCT_ROWS = "distinct_rows";
    public static final String ITERATIONS = "iterations";
    public static final String CONVERGENCE = "convergence";
    public static final String FIT_TIME_MS = "fit_time_ms";
    public static final String FITTED_AT = "fitted_at";
    /**
     * The verdict on the fit: converged, boundary (accepted with a parameter beyond 1e8 or below 1e-8) or penalised
     * (Gamma-Gamma with a shape penalty); see io.kindred.clv.FitStatus. Null in rows written before it was recorded.
     */
    public static final String STATUS = "status";
    /** Norm of the gradient of the mean negative log-likelihood per customer where the optimiser stopped. */
    public static final String GRADIENT_NORM = "gradient_norm";
    /**
     * The acceptance criterion: the Newton step to the optimum of the local quadratic, in standard errors of the
     * log-parameter it is largest in (accepted at most 0.001).
     */
    public static final String NEWTON_STEP_SE = "newton_step_se";
    /**
     * With kindred.features.clv.model = auto: the candidate's mean absolute error of predicted vs actual purchases
     * per customer in the holdout window; null otherwise.
     */
    public static final String HOLDOUT_MAE = "holdout_mae";
    /**
     * With kindred.features.clv.model = auto: the candidate's cumulative-purchases curve error in the holdout window
     * (io.kindred.clv.PurchaseModelSelection); null otherwise.
     */
    public static final String HOLDOUT_CURVE_ERROR = "holdout_curve_error";
    /** With kindred.features.clv.model = auto: whether this candidate won and scored the night; null otherwise. */
    public static final String SELECTED = "selected";
    /**
     * For a fit whose likelihood has its supremum on a boundary of the parameter space (status boundary, scored with
     * the limiting model: io.kindred.clv.NoDropoutLimit, io.kindred.clv.ConstantSpendLimit,
     * io.kindred.clv.SameSpendLimit), what sits there: "a -> 0" (BG/NBD, MBG/NBD: nobody drops out; parameters r,
     * alpha and a = 0, b not identified and absent, a without a standard error), "p -> infinity" (Gamma-Gamma:
     * parameters q and p_gamma) or "p, q -> infinity" (Gamma-Gamma when every repeat buyer's mean spend is one
     * value: parameter mean_spend without a standard error, log_likelihood infinite); null otherwise.
     */
    public static final String BOUNDARY = "boundary";

    private ClvModelColumns() {
    }
  }

  /** {@code gold/clv_models}: one row per CLV model fit (appended; a rerun records its own fits). */
  public static final TableDef GOLD_CLV_MODELS = new TableDef(Layer.GOLD, "clv_models",
      createStructType(new StructField[] {
          createStructField(ClvModelColumns.RUN_ID, StringType, false),
          createStructField(ClvModelColumns.AS_OF, DateType, false),
          createStructField(ClvModelColumns.MODEL, StringType, false),
          createStructField(ClvModelColumns.UNIT, StringType, false),
          createStructField(ClvModelColumns.CALIBRATION_END, DateType, false),
          createStructField(ClvModelColumns.CALIBRATION_START, DateType, true),
          createStructField(ClvModelColumns.PARAMETERS, createMapType(StringType, DoubleType, false), false),
          createStructField(ClvModelColumns.STANDARD_ERRORS, createMapType(StringType, DoubleType, false), false),
          createStructField(ClvModelColumns.LOG_LIKELIHOOD, DoubleType, false),
          createStructField(ClvModelColumns.CUSTOMERS, LongType, false),
          createStructField(ClvModelColumns.DISTINCT_ROWS, LongType, false),
          createStructField(ClvModelColumns.ITERATIONS, IntegerType, false),
          createStructField(ClvModelColumns.CONVERGENCE, StringType, false),
          createStructField(ClvModelColumns.FIT_TIME_MS, LongType, false),
          createStructField(ClvModelColumns.FITTED_AT, TimestampType, false),
          // added later: nullable, so that an existing table gains them on the next append (mergeSchema)
          createStructField(ClvModelColumns.STATUS, StringType, true),
          createStructField(ClvModelColumns.GRADIENT_NORM, DoubleType, true),
          createStructField(ClvModelColumns.NEWTON_STEP_SE, DoubleType, true),
          createStructField(ClvModelColumns.HOLDOUT_MAE, DoubleType, true),
          createStructField(ClvModelColumns.HOLDOUT_CURVE_ERROR, DoubleType, true),
          createStructField(ClvModelColumns.SELECTED, BooleanType, true),
          createStructField(ClvModelColumns.BOUNDARY, StringType, true),
      }),
      List.of(),
      "Every CLV model fit: run, model, unit, parameters, standard errors, log-likelihood, customers, distinct rows, "
          + "status and the criterion that accepted it; with model = auto each candidate's holdout figures.");

  /** Columns of {@link #GOLD_CUSTOMER_STATE}. */
  public static final class CustomerStateColumns {
    /** The night whose deliveries (ingest_day) the state includes, all of them up to it. */
    public static final String AS_OF = "as_of";
    public static final String CUSTOMER_ID = "customer_id";
    /** Every distinct purchase day, ascending: a late purchase on a day already here is not counted again. */
    public static final String PURCHASE_DAY_LIST = "purchase_day_list";
    /** Gross purchase value of the first purchase day (0 without a purchase day), for mbar. */
    public static final String FIRST_DAY_AMOUNT = "first_day_amount";
    public static final String TRANSACTIONS = "transactions";
    public static final String RETURNS = "returns";
    public static final String GROSS_AMOUNT = "gross_amount";
    public static final String RETURNED_AMOUNT = "returned_amount";

    private CustomerStateColumns() {
    }
  }

  /**
   * {@code gold/customer_state}: the per-customer running sums build-features folds each night's deliveries into,
   * one partition per night (the previous night's partition plus that night's deliveries); the last
   * kindred.features.state-retention-nights nights are kept.
   */
  public static final TableDef GOLD_CUSTOMER_STATE = new TableDef(Layer.GOLD, "customer_state",
      createStructType(new StructField[] {
          createStructField(CustomerStateColumns.AS_OF, DateType, false),
          createStructField(CustomerStateColumns.CUSTOMER_ID, StringType, false),
          createStructField(CustomerStateColumns.PURCHASE_DAY_LIST, DataTypes.createArrayType(DateType, true),
              false),
          createStructField(CustomerStateColumns.FIRST_DAY_AMOUNT, AMOUNT, false),
          createStructField(CustomerStateColumns.TRANSACTIONS, LongType, false),
          createStructField(CustomerStateColumns.RETURNS, LongType, false),
          createStructField(CustomerStateColumns.GROSS_AMOUNT, AMOUNT, false),
          createStructField(CustomerStateColumns.RETURNED_AMOUNT, AMOUNT, false),
      }),
      List.of(CustomerStateColumns.AS_OF),
      "Incremental per-customer state (purchase days, counts, sums) by night, folded from each night's deliveries.")
      .withIdColumns(CustomerStateColumns.CUSTOMER_ID);

  /** Columns of {@link #GOLD_CHURN_MODELS}. */
  public static final class ChurnModelColumns {
    public static final String RUN_ID = LineageColumns.RUN_ID;
    public static final String AS_OF = "as_of";
    /** The model's version: its folder under models/churn/. */
    public static final String VERSION = "version";
    public static final String MODEL_PATH = "model_path";
    public static final String HORIZON_DAYS = "horizon_days";
    /** Features as of this date, labels from (train_cutoff, train_cutoff + horizon]. */
    public static final String TRAIN_CUTOFF = "train_cutoff";
    /** The later evaluation window: features as of eval_cutoff, labels from (eval_cutoff, as_of]. */
    public static final String EVAL_CUTOFF = "eval_cutoff";
    public static final String TRAIN_CUSTOMERS = "train_customers";
    public static final String TRAIN_CHURN_RATE = "train_churn_rate";
    public static final String EVAL_CUSTOMERS = "eval_customers";
    public static final String EVAL_CHURN_RATE = "eval_churn_rate";
    public static final String AUC = "auc";
    public static final String PRECISION_TOP_DECILE = "precision_top_decile";
    /**
     * The same metrics of 1 - P(alive) under the purchase model (kindred.features.clv.model, BG/NBD by default)
     * fitted at eval_cutoff, on the same customers.
     */
    public static final String BASELINE_AUC = "baseline_auc";
    public static final String BASELINE_PRECISION_TOP_DECILE = "baseline_precision_top_decile";
    public static final String TRAINED_AT = "trained_at";
    /**
     * Why the baseline is null: the purchase model could not be fitted at eval_cutoff (its error); null when the
     * baseline was evaluated. A failed baseline never fails the night.
     */
    public static final String BASELINE_FAILURE = "baseline_failure";

    private ChurnModelColumns() {
    }
  }

  /** {@code gold/churn_models}: every churn model trained, with its temporal split and evaluation. */
  public static final TableDef GOLD_CHURN_MODELS = new TableDef(Layer.GOLD, "churn_models",
      createStructType(new StructField[] {
          createStructField(ChurnModelColumns.RUN_ID, StringType, false),
          createStructField(ChurnModelColumns.AS_OF, DateType, false),
          createStructField(ChurnModelColumns.VERSION, StringType, false),
          createStructField(ChurnModelColumns.MODEL_PATH, StringType, false),
          createStructField(ChurnModelColumns.HORIZON_DAYS, IntegerType, false),
          createStructField(ChurnModelColumns.TRAIN_CUTOFF, DateType, false),
          createStructField(ChurnModelColumns.EVAL_CUTOFF, DateType, false),
          createStructField(ChurnModelColumns.TRAIN_CUSTOMERS, LongType, false),
          createStructField(ChurnModelColumns.TRAIN_CHURN_RATE, DoubleType, false),
          createStructField(ChurnModelColumns.EVAL_CUSTOMERS, LongType, false),
          createStructField(ChurnModelColumns.EVAL_CHURN_RATE, DoubleType, false),
          createStructField(ChurnModelColumns.AUC, DoubleType, false),
          createStructField(ChurnModelColumns.PRECISION_TOP_DECILE, DoubleType, false),
          // nullable since a failed baseline fit leaves them null (an existing table loses its NOT NULL)
          createStructField(ChurnModelColumns.BASELINE_AUC, DoubleType, true),
          createStructField(ChurnModelColumns.BASELINE_PRECISION_TOP_DECILE, DoubleType, true),
          createStructField(ChurnModelColumns.TRAINED_AT, TimestampType, false),
          createStructField(ChurnModelColumns.BASELINE_FAILURE, StringType, true),
      }),
      List.of(),
      "Every churn model: version, temporal split, AUC and precision at the top decile beside the P(alive) baseline.");

  /** Columns of {@link #GOLD_CLV_HOLDOUT}. */
  public static final class ClvHoldoutColumns {
    public static final String AS_OF = "as_of";
    public static final String HOLDOUT_END = "holdout_end";
    /** Repeat purchases in the calibration window: 0, 1, ..., and the last group "7+". */
    public static final String X_GROUP = "x_group";
    public static final String CUSTOMERS = "customers";
    /** Mean purchase days in (as_of, holdout_end]. */
    public static final String ACTUAL_MEAN = "actual_mean";
    /**
     * Mean expected purchases in the holdout window under the night's purchase model (BG/NBD by default; with
     * auto, the winner).
     */
    public static final String PREDICTED_MEAN = "predicted_mean";
    public static final String RUN_ID = LineageColumns.RUN_ID;

    private ClvHoldoutColumns() {
    }
  }

  /**
   * {@code gold/clv_holdout}: the calibration/holdout check of the purchase model, written by build-features
   * --holdout-end.
   */
  public static final TableDef GOLD_CLV_HOLDOUT = new TableDef(Layer.GOLD, "clv_holdout",
      createStructType(new StructField[] {
          createStructField(ClvHoldoutColumns.AS_OF, DateType, false),
          createStructField(ClvHoldoutColumns.HOLDOUT_END, DateType, false),
          createStructField(ClvHoldoutColumns.X_GROUP, StringType, false),
          createStructField(ClvHoldoutColumns.CUSTOMERS, LongType, false),
          createStructField(ClvHoldoutColumns.ACTUAL_MEAN, DoubleType, false),
          createStructField(ClvHoldoutColumns.PREDICTED_MEAN, DoubleType, false),
          createStructField(ClvHoldoutColumns.RUN_ID, StringType, false),
      }),
      List.of(),
      "Calibration/holdout table: by repeat purchases x, mean actual vs predicted purchases in the holdout.");

  /** Columns of {@link #GOLD_SOCIAL_FEATURES}; docs/social.md defines each one. */
  public static final class SocialFeatureColumns {
    public static final String AS_OF = "as_of";
    /** A social user: a customer ({@code C...}) or not ({@code S...}). */
    public static final String USER_ID = "user_id";
    /** Whether the user has a row in the gold/customer_features snapshot of as_of (a purchase by then). */
    public static final String IS_CUSTOMER = "is_customer";
    /** Followers and followees at the end of as_of (silver/follows). */
    public static final String FOLLOWERS = "followers";
    public static final String FOLLOWING = "following";
    /** Interactions by type (every known type a key, 0 when none) made and received in the 30/90 days to as_of. */
    public static final String INTERACTIONS_GIVEN_30D = "interactions_given_30d";
    public static final String INTERACTIONS_RECEIVED_30D = "interactions_received_30d";
    public static final String INTERACTIONS_GIVEN_90D = "interactions_given_90d";
    public static final String INTERACTIONS_RECEIVED_90D = "interactions_received_90d";
    /** Post-like events the user made in 90 days: comments, mentions, shares and reviews. */
    public static final String POSTS_90D = "posts_90d";
    /** Engagement the user received in 90 days: likes, comments, shares and mentions aimed at them. */
    public static final String ENGAGEMENT_RECEIVED_90D = "engagement_received_90d";
    /** engagement_received_90d / max(posts_90d, 1). */
    public static final String ENGAGEMENT_PER_POST_90D = "engagement_per_post_90d";
    /** Reviews written by as_of and their mean rating (0 without a review). */
    public static final String REVIEWS_WRITTEN = "reviews_written";
    public static final String MEAN_RATING = "mean_rating";
    /** Weighted PageRank times the number of social users (mean 1). */
    public static final String INFLUENCE = "influence";
    public static final String INFLUENCE_PERCENTILE = "influence_percentile";
    public static final String OPINION_LEADER = "opinion_leader";
    /** Label-propagation community: its smallest member id, its members, its customers. */
    public static final String COMMUNITY_ID = "community_id";
    public static final String COMMUNITY_SIZE = "community_size";
    public static final String COMMUNITY_CUSTOMERS = "community_customers";
    /** Mean spend_90d of the community's customers (0 without customers). */
    public static final String COMMUNITY_AVG_SPEND_90D = "community_avg_spend_90d";
    /** Share of the community's customers in each RFM segment (every configured segment a key). */
    public static final String COMMUNITY_SEGMENT_SHARES = "community_segment_shares";
    /** The user's own net spend (USD) in the 90 days to as_of (0 for non-customers). */
    public static final String SPEND_90D = "spend_90d";
    /** Net spend in 90 days of the users followed at as_of, and how many of them are champions. */
    public static final String PEER_SPEND_90D = "peer_spend_90d";
    public static final String PEER_CHAMPIONS = "peer_champions";
    /** The user's purchases in the 90 days to as_of made within the leader window after a followed opinion
     * leader bought in the same category. */
    public static final String LEADER_TRIGGERED_PURCHASES_90D = "leader_triggered_purchases_90d";
    /** Distinct users referred, those of them credited as converted, and their net spend in their first 90 days. */
    public static final String REFERRALS_MADE = "referrals_made";
    public static final String REFERRALS_CONVERTED = "referrals_converted";
    public static final String REFERRAL_REVENUE_90D = "referral_revenue_90d";
    public static final String RUN_ID = LineageColumns.RUN_ID;

    private SocialFeatureColumns() {
    }
  }

  /** {@code gold/social_features}: one snapshot per as-of date, one row per social user, customer or not. */
  public static final TableDef GOLD_SOCIAL_FEATURES = new TableDef(Layer.GOLD, "social_features",
      createStructType(new StructField[] {
          createStructField(SocialFeatureColumns.AS_OF, DateType, false),
          createStructField(SocialFeatureColumns.USER_ID, StringType, false),
          createStructField(SocialFeatureColumns.IS_CUSTOMER, BooleanType, false),
          createStructField(SocialFeatureColumns.FOLLOWERS, IntegerType, false),
          createStructField(SocialFeatureColumns.FOLLOWING, IntegerType, false),
          createStructField(SocialFeatureColumns.INTERACTIONS_GIVEN_30D, createMapType(StringType, LongType, false),
              false),
          createStructField(SocialFeatureColumns.INTERACTIONS_RECEIVED_30D,
              createMapType(StringType, LongType, false), false),
          createStructField(SocialFeatureColumns.INTERACTIONS_GIVEN_90D, createMapType(StringType, LongType, false),
              false),
          createStructField(SocialFeatureColumns.INTERACTIONS_RECEIVED_90D,
              createMapType(StringType, LongType, false), false),
          createStructField(SocialFeatureColumns.POSTS_90D, LongType, false),
          createStructField(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D, LongType, false),
          createStructField(SocialFeatureColumns.ENGAGEMENT_PER_POST_90D, DoubleType, false),
          createStructField(SocialFeatureColumns.REVIEWS_WRITTEN, IntegerType, false),
          createStructField(SocialFeatureColumns.MEAN_RATING, DoubleType, false),
          createStructField(SocialFeatureColumns.INFLUENCE, DoubleType, false),
          createStructField(SocialFeatureColumns.INFLUENCE_PERCENTILE, DoubleType, false),
          createStructField(SocialFeatureColumns.OPINION_LEADER, BooleanType, false),
          createStructField(SocialFeatureColumns.COMMUNITY_ID, StringType, false),
          createStructField(SocialFeatureColumns.COMMUNITY_SIZE, LongType, false),
          createStructField(SocialFeatureColumns.COMMUNITY_CUSTOMERS, LongType, false),
          createStructField(SocialFeatureColumns.COMMUNITY_AVG_SPEND_90D, AMOUNT, false),
          createStructField(SocialFeatureColumns.COMMUNITY_SEGMENT_SHARES,
              createMapType(StringType, DoubleType, false), false),
          createStructField(SocialFeatureColumns.SPEND_90D, AMOUNT, false),
          createStructField(SocialFeatureColumns.PEER_SPEND_90D, AMOUNT, false),
          createStructField(SocialFeatureColumns.PEER_CHAMPIONS, IntegerType, false),
          createStructField(SocialFeatureColumns.LEADER_TRIGGERED_PURCHASES_90D, IntegerType, false),
          createStructField(SocialFeatureColumns.REFERRALS_MADE, IntegerType, false),
          createStructField(SocialFeatureColumns.REFERRALS_CONVERTED, IntegerType, false),
          createStructField(SocialFeatureColumns.REFERRAL_REVENUE_90D, AMOUNT, false),
          createStructField(SocialFeatureColumns.RUN_ID, StringType, false),
      }),
      List.of(SocialFeatureColumns.AS_OF),
      "Per social user and as-of date: follows, interactions, influence, community, peer value, referrals.")
      // a snapshot is read whole or by user; statistics of its maps and sums would only cost the writer
      .withIdColumns(SocialFeatureColumns.USER_ID)
      .withIdNameColumns(SocialFeatureColumns.COMMUNITY_ID);
  // Segments and audiences (train-segments, score-segments, publish-audiences).

  /** Fields of one element of {@link SegmentModelColumns#SEGMENTS}. */
  public static final class SegmentColumns {
    public static final String SEGMENT_ID = "segment_id";
    /** The clustering stage's index of the segment's cluster (the model's prediction). */
    public static final String CLUSTER = "cluster";
    public static final String SEGMENT_NAME = "segment_name";
    /** Training customers in the segment. */
    public static final String CUSTOMERS = "customers";
    /** The cluster's centre in the features' original units (log features mapped back with expm1). */
    public static final String CENTROID = "centroid";
    /** The previous model's segment it was matched to (its id is kept), null when the segment is new. */
    public static final String PREVIOUS_SEGMENT_ID = "previous_segment_id";
    /** RMS distance, in the new model's standard deviations, to the matched previous centre; null when new. */
    public static final String MATCH_DISTANCE = "match_distance";

    private SegmentColumns() {
    }
  }

  /**
   * The struct of one segment of a model. Delta does not enforce NOT NULL inside arrays, so every field is declared
   * nullable; train-segments fills all but previous_segment_id and match_distance.
   */
  public static final StructType SEGMENT_STRUCT = createStructType(new StructField[] {
      createStructField(SegmentColumns.SEGMENT_ID, IntegerType, true),
      createStructField(SegmentColumns.CLUSTER, IntegerType, true),
      createStructField(SegmentColumns.SEGMENT_NAME, StringType, true),
      createStructField(SegmentColumns.CUSTOMERS, LongType, true),
      createStructField(SegmentColumns.CENTROID, createMapType(StringType, DoubleType, true), true),
      createStructField(SegmentColumns.PREVIOUS_SEGMENT_ID, IntegerType, true),
      createStructField(SegmentColumns.MATCH_DISTANCE, DoubleType, true),
  });

  /** Columns of {@link #GOLD_SEGMENT_MODELS}. */
  public static final class SegmentModelColumns {
    /** The model's version: its folder under models/segments/ (the training run's id). */
    public static final String VERSION = "version";
    /** The features' snapshot the model was trained on. */
    public static final String AS_OF = "as_of";
    public static final String RUN_ID = LineageColumns.RUN_ID;
    public static final String MODEL_PATH = "model_path";
    /** kmeans, bisecting-kmeans or gaussian-mixture. */
    public static final String ALGORITHM = "algorithm";
    /** The features the model uses, in order; log_features of them went through log1p. */
    public static final String FEATURES = "features";
    public static final String LOG_FEATURES = "log_features";
    /** Configured features left out because they were null for every customer (e.g. social ones not built yet). */
    public static final String DROPPED_FEATURES = "dropped_features";
    public static final String K = "k";
    public static final String SILHOUETTE = "silhouette";
    /** Customers in the snapshot, and those the model was trained on (fewer when sampled). */
    public static final String POPULATION = "population";
    public static final String TRAINING_CUSTOMERS = "training_customers";
    /** The model whose segments this one's were matched to; null for the first model. */
    public static final String PREVIOUS_VERSION = "previous_version";
    public static final String MAX_MATCH_DISTANCE = "max_match_distance";
    /** One element per segment: see {@link SegmentColumns}. */
    public static final String SEGMENTS = "segments";
    /** Segments of the previous model that no new cluster matched; their ids are never used again. */
    public static final String RETIRED_SEGMENT_IDS = "retired_segment_ids";
    public static final String TRAINED_AT = "trained_at";

    private SegmentModelColumns() {
    }
  }

  /** {@code gold/segment_models}: every segmentation model trained, with its segments and their identities. */
  public static final TableDef GOLD_SEGMENT_MODELS = new TableDef(Layer.GOLD, "segment_models",
      createStructType(new StructField[] {
          createStructField(SegmentModelColumns.VERSION, StringType, false),
          createStructField(SegmentModelColumns.AS_OF, DateType, false),
          createStructField(SegmentModelColumns.RUN_ID, StringType, false),
          createStructField(SegmentModelColumns.MODEL_PATH, StringType, false),
          createStructField(SegmentModelColumns.ALGORITHM, StringType, false),
          createStructField(SegmentModelColumns.FEATURES, DataTypes.createArrayType(StringType, false), false),
          createStructField(SegmentModelColumns.LOG_FEATURES, DataTypes.createArrayType(StringType, false), false),
          createStructField(SegmentModelColumns.DROPPED_FEATURES, DataTypes.createArrayType(StringType, false),
              false),
          createStructField(SegmentModelColumns.K, IntegerType, false),
          createStructField(SegmentModelColumns.SILHOUETTE, DoubleType, false),
          createStructField(SegmentModelColumns.POPULATION, LongType, false),
          createStructField(SegmentModelColumns.TRAINING_CUSTOMERS, LongType, false),
          createStructField(SegmentModelColumns.PREVIOUS_VERSION, StringType, true),
          createStructField(SegmentModelColumns.MAX_MATCH_DISTANCE, DoubleType, false),
          createStructField(SegmentModelColumns.SEGMENTS, DataTypes.createArrayType(SEGMENT_STRUCT, false), false),
          createStructField(SegmentModelColumns.RETIRED_SEGMENT_IDS, DataTypes.createArrayType(IntegerType, false),
              false),
          createStructField(SegmentModelColumns.TRAINED_AT, TimestampType, false),
      }),
      List.of(),
      "Every segmentation model: version, k, silhouette, features, segments with sizes, centroids and identity match.");

  /** Columns of {@link #GOLD_SEGMENT_MODEL_SWEEPS}. */
  public static final class SegmentSweepColumns {
    public static final String VERSION = SegmentModelColumns.VERSION;
    public static final String AS_OF = "as_of";
    public static final String RUN_ID = LineageColumns.RUN_ID;
    public static final String ALGORITHM = "algorithm";
    public static final String K = "k";
    /** Mean silhouette (squared Euclidean, on the scaled features) of the training customers. */
    public static final String SILHOUETTE = "silhouette";
    /** Training customers per cluster, by cluster index. */
    public static final String SEGMENT_SIZES = "segment_sizes";
    public static final String SMALLEST_SEGMENT = "smallest_segment";
    /** The configured minimum segment size, in customers, for this training set. */
    public static final String MIN_SEGMENT_SIZE = "min_segment_size";
    /** Every segment has at least min_segment_size customers. */
    public static final String ADMISSIBLE = "admissible";
    /** The k the model was trained with: the admissible one with the highest silhouette. */
    public static final String CHOSEN = "chosen";
    public static final String FIT_TIME_MS = "fit_time_ms";

    private SegmentSweepColumns() {
    }
  }

  /** {@code gold/segment_model_sweeps}: one row per k tried by each train-segments run. */
  public static final TableDef GOLD_SEGMENT_MODEL_SWEEPS = new TableDef(Layer.GOLD, "segment_model_sweeps",
      createStructType(new StructField[] {
          createStructField(SegmentSweepColumns.VERSION, StringType, false),
          createStructField(SegmentSweepColumns.AS_OF, DateType, false),
          createStructField(SegmentSweepColumns.RUN_ID, StringType, false),
          createStructField(SegmentSweepColumns.ALGORITHM, StringType, false),
          createStructField(SegmentSweepColumns.K, IntegerType, false),
          createStructField(SegmentSweepColumns.SILHOUETTE, DoubleType, false),
          createStructField(SegmentSweepColumns.SEGMENT_SIZES, DataTypes.createArrayType(LongType, false), false),
          createStructField(SegmentSweepColumns.SMALLEST_SEGMENT, LongType, false),
          createStructField(SegmentSweepColumns.MIN_SEGMENT_SIZE, LongType, false),
          createStructField(SegmentSweepColumns.ADMISSIBLE, BooleanType, false),
          createStructField(SegmentSweepColumns.CHOSEN, BooleanType, false),
          createStructField(SegmentSweepColumns.FIT_TIME_MS, LongType, false),
      }),
      List.of(),
      "The k sweep of every segmentation training: silhouette and segment sizes per k, the k chosen.");

  /** Columns of {@link #GOLD_SEGMENT_PROFILES}. */
  public static final class SegmentProfileColumns {
    public static final String AS_OF = "as_of";
    public static final String MODEL_VERSION = "model_version";
    public static final String SEGMENT_ID = "segment_id";
    public static final String SEGMENT_NAME = "segment_name";
    public static final String CUSTOMERS = "customers";
    public static final String CUSTOMER_SHARE = "customer_share";
    /** Net spend to date (sum of monetary), USD, and its share of all customers' net spend. */
    public static final String REVENUE = "revenue";
    public static final String REVENUE_SHARE = "revenue_share";
    public static final String CLV_SUM = "clv_sum";
    public static final String CLV_MEAN = "clv_mean";
    public static final String CHURN_PROBABILITY_MEAN = "churn_probability_mean";
    public static final String PROBABILITY_ALIVE_MEAN = "probability_alive_mean";
    public static final String RECENCY_DAYS_MEAN = "recency_days_mean";
    public static final String TENURE_DAYS_MEAN = "tenure_days_mean";
    public static final String PURCHASE_DAYS_MEAN = "purchase_days_mean";
    public static final String MONETARY_PER_DAY_MEAN = "monetary_per_day_mean";
    /** Returns per purchase transaction. */
    public static final String RETURN_RATE = "return_rate";
    /** Null until build-social-features has filled influence for the snapshot. */
    public static final String INFLUENCE_MEAN = "influence_mean";
    /** Mean of each of the model's features, in original units. */
    public static final String FEATURE_MEANS = "feature_means";
    public static final String RUN_ID = LineageColumns.RUN_ID;

    private SegmentProfileColumns() {
    }
  }

  /** {@code gold/segment_profiles}: per as-of date and segment, who is in it and what they are worth. */
  public static final TableDef GOLD_SEGMENT_PROFILES = new TableDef(Layer.GOLD, "segment_profiles",
      createStructType(new StructField[] {
          createStructField(SegmentProfileColumns.AS_OF, DateType, false),
          createStructField(SegmentProfileColumns.MODEL_VERSION, StringType, false),
          createStructField(SegmentProfileColumns.SEGMENT_ID, IntegerType, false),
          createStructField(SegmentProfileColumns.SEGMENT_NAME, StringType, false),
          createStructField(SegmentProfileColumns.CUSTOMERS, LongType, false),
          createStructField(SegmentProfileColumns.CUSTOMER_SHARE, DoubleType, false),
          createStructField(SegmentProfileColumns.REVENUE, AMOUNT, false),
          createStructField(SegmentProfileColumns.REVENUE_SHARE, DoubleType, false),
          createStructField(SegmentProfileColumns.CLV_SUM, DoubleType, false),
          createStructField(SegmentProfileColumns.CLV_MEAN, DoubleType, false),
          createStructField(SegmentProfileColumns.CHURN_PROBABILITY_MEAN, DoubleType, true),
          createStructField(SegmentProfileColumns.PROBABILITY_ALIVE_MEAN, DoubleType, false),
          createStructField(SegmentProfileColumns.RECENCY_DAYS_MEAN, DoubleType, false),
          createStructField(SegmentProfileColumns.TENURE_DAYS_MEAN, DoubleType, false),
          createStructField(SegmentProfileColumns.PURCHASE_DAYS_MEAN, DoubleType, false),
          createStructField(SegmentProfileColumns.MONETARY_PER_DAY_MEAN, DoubleType, false),
          createStructField(SegmentProfileColumns.RETURN_RATE, DoubleType, false),
          createStructField(SegmentProfileColumns.INFLUENCE_MEAN, DoubleType, true),
          createStructField(SegmentProfileColumns.FEATURE_MEANS, createMapType(StringType, DoubleType, true), false),
          createStructField(SegmentProfileColumns.RUN_ID, StringType, false),
      }),
      List.of(),
      "Per as-of date and segment: customers, revenue share, CLV sum and mean, churn probability, feature means.");

  /** Columns of {@link #GOLD_CUSTOMER_SEGMENTS}. */
  public static final class CustomerSegmentColumns {
    public static final String CUSTOMER_ID = "customer_id";
    public static final String SEGMENT_ID = "segment_id";
    public static final String SEGMENT_NAME = "segment_name";
    public static final String RFM_SEGMENT = "rfm_segment";
    public static final String R_SCORE = "r_score";
    public static final String F_SCORE = "f_score";
    public static final String M_SCORE = "m_score";
    /** Rounded to kindred.segments.publish.clv-decimals. */
    public static final String CLV = "clv";
    /** Rounded to kindred.segments.publish.score-decimals, as are churn_probability and influence. */
    public static final String PROBABILITY_ALIVE = "probability_alive";
    public static final String CHURN_PROBABILITY = "churn_probability";
    public static final String INFLUENCE = "influence";
    public static final String COMMUNITY_ID = "community_id";
    /** The model that scored the row's current content (kept while the content does not change). */
    public static final String MODEL_VERSION = "model_version";
    /** When the row's content last changed (kept while it does not, so reruns make no change rows). */
    public static final String SCORED_AT = "scored_at";

    private CustomerSegmentColumns() {
    }
  }

  /**
   * {@code gold/customer_segments}: one row per customer, the latest scoring, written with MERGE with Delta's change
   * data feed on, so that activation tools read only what changed.
   */
  public static final TableDef GOLD_CUSTOMER_SEGMENTS = new TableDef(Layer.GOLD, "customer_segments",
      createStructType(new StructField[] {
          createStructField(CustomerSegmentColumns.CUSTOMER_ID, StringType, false),
          createStructField(CustomerSegmentColumns.SEGMENT_ID, IntegerType, false),
          createStructField(CustomerSegmentColumns.SEGMENT_NAME, StringType, false),
          createStructField(CustomerSegmentColumns.RFM_SEGMENT, StringType, false),
          createStructField(CustomerSegmentColumns.R_SCORE, IntegerType, false),
          createStructField(CustomerSegmentColumns.F_SCORE, IntegerType, false),
          createStructField(CustomerSegmentColumns.M_SCORE, IntegerType, false),
          createStructField(CustomerSegmentColumns.CLV, DoubleType, false),
          createStructField(CustomerSegmentColumns.PROBABILITY_ALIVE, DoubleType, false),
          createStructField(CustomerSegmentColumns.CHURN_PROBABILITY, DoubleType, true),
          createStructField(CustomerSegmentColumns.INFLUENCE, DoubleType, true),
          createStructField(CustomerSegmentColumns.COMMUNITY_ID, StringType, true),
          createStructField(CustomerSegmentColumns.MODEL_VERSION, StringType, false),
          createStructField(CustomerSegmentColumns.SCORED_AT, TimestampType, false),
      }),
      List.of(),
      "Each customer's segment and scores (latest scoring; MERGE on customer_id, change data feed on).")
      .withIdColumns(CustomerSegmentColumns.CUSTOMER_ID)
      .withIdNameColumns(CustomerSegmentColumns.COMMUNITY_ID);

  /** Columns of {@link #GOLD_SEGMENT_MEMBERSHIP_CHANGES}. */
  public static final class MembershipChangeColumns {
    /** The run date whose scoring made the change. */
    public static final String CHANGE_DATE = "change_date";
    public static final String CUSTOMER_ID = "customer_id";
    /** The segment before the change; null when the customer enters segmentation (first scoring). */
    public static final String FROM_SEGMENT_ID = "from_segment_id";
    public static final String FROM_SEGMENT_NAME = "from_segment_name";
    /** The segment after the change; null when the customer left the scored population. */
    public static final String TO_SEGMENT_ID = "to_segment_id";
    public static final String TO_SEGMENT_NAME = "to_segment_name";
    public static final String MODEL_VERSION = "model_version";
    public static final String RUN_ID = LineageColumns.RUN_ID;

    private MembershipChangeColumns() {
    }
  }

  /** {@code gold/segment_membership_changes}: every move of a customer between segments, by run date. */
  public static final TableDef GOLD_SEGMENT_MEMBERSHIP_CHANGES = new TableDef(Layer.GOLD,
      "segment_membership_changes",
      createStructType(new StructField[] {
          createStructField(MembershipChangeColumns.CHANGE_DATE, DateType, false),
          createStructField(MembershipChangeColumns.CUSTOMER_ID, StringType, false),
          createStructField(MembershipChangeColumns.FROM_SEGMENT_ID, IntegerType, true),
          createStructField(MembershipChangeColumns.FROM_SEGMENT_NAME, StringType, true),
          createStructField(MembershipChangeColumns.TO_SEGMENT_ID, IntegerType, true),
          createStructField(MembershipChangeColumns.TO_SEGMENT_NAME, StringType, true),
          createStructField(MembershipChangeColumns.MODEL_VERSION, StringType, false),
          createStructField(MembershipChangeColumns.RUN_ID, StringType, false),
      }),
      List.of(),
      "Customers' moves between segments: customer, from segment, to segment, date (null from: first scoring).")
      .withStatsColumns(MembershipChangeColumns.CHANGE_DATE)
      .withIdColumns(MembershipChangeColumns.CUSTOMER_ID);

  /** Columns of {@link #GOLD_AUDIENCES}. */
  public static final class AudienceColumns {
    public static final String AS_OF = "as_of";
    /** "segment: <segment name>", "rfm: <RFM segment>", or the name of a configured filter audience. */
    public static final String AUDIENCE = "audience";
    /** segment, rfm or filter. */
    public static final String AUDIENCE_TYPE = "audience_type";
    public static final String CUSTOMER_ID = "customer_id";
    /** SHA-256 (hex) of the e-mail lower-cased and trimmed; null without an e-mail. */
    public static final String EMAIL_SHA256 = "email_sha256";
    /** SHA-256 (hex) of the phone in E.164 ("+" and digits); null without a readable phone. */
    public static final String PHONE_SHA256 = "phone_sha256";
    public static final String SEGMENT_ID = "segment_id";
    public static final String RUN_ID = LineageColumns.RUN_ID;
    /** treatment or control (the audience's control group, kept from contact to measure it); null before 0.1. */
    public static final String AUDIENCE_GROUP = "audience_group";
    public static final String TREATMENT = "treatment";
    public static final String CONTROL = "control";

    private AudienceColumns() {
    }
  }

  /** {@code gold/audiences}: per run date, one row per consenting customer and audience, identifiers hashed. */
  public static final TableDef GOLD_AUDIENCES = new TableDef(Layer.GOLD, "audiences",
      createStructType(new StructField[] {
          createStructField(AudienceColumns.AS_OF, DateType, false),
          createStructField(AudienceColumns.AUDIENCE, StringType, false),
          createStructField(AudienceColumns.AUDIENCE_TYPE, StringType, false),
          createStructField(AudienceColumns.CUSTOMER_ID, StringType, false),
          createStructField(AudienceColumns.EMAIL_SHA256, StringType, true),
          createStructField(AudienceColumns.PHONE_SHA256, StringType, true),
          createStructField(AudienceColumns.SEGMENT_ID, IntegerType, false),
          createStructField(AudienceColumns.RUN_ID, StringType, false),
          createStructField(AudienceColumns.AUDIENCE_GROUP, StringType, true),
      }),
      List.of(AudienceColumns.AS_OF),
      "Per run date: one row per customer with marketing consent and audience; e-mail and phone SHA-256 hashed; "
          + "audience_group treatment or control (the audience's control group, not exported).")
      .withStatsColumns(AudienceColumns.AUDIENCE)
      .withIdColumns(AudienceColumns.CUSTOMER_ID)
      .withPersonalColumns(AudienceColumns.EMAIL_SHA256, AudienceColumns.PHONE_SHA256);

  /** Columns of {@link #GOLD_AUDIENCE_MEMBERSHIP}. */
  public static final class AudienceMembershipColumns {
    public static final String CUSTOMER_ID = AudienceColumns.CUSTOMER_ID;
    public static final String AUDIENCE = AudienceColumns.AUDIENCE;
    public static final String AUDIENCE_TYPE = AudienceColumns.AUDIENCE_TYPE;
    /** treatment or control, as in gold/audiences: a customer keeps it while in the audience. */
    public static final String AUDIENCE_GROUP = AudienceColumns.AUDIENCE_GROUP;
    /** The first night the customer was published in the audience. */
    public static final String FROM_DATE = "from_date";
    /** The first night the customer was no longer in it; null while still in it. */
    public static final String TO_DATE = "to_date";

    private AudienceMembershipColumns() {
    }
  }

  /** {@code gold/audience_membership}: each stay of a customer in an audience, from the night in to the night out. */
  public static final TableDef GOLD_AUDIENCE_MEMBERSHIP = new TableDef(Layer.GOLD, "audience_membership",
      createStructType(new StructField[] {
          createStructField(AudienceMembershipColumns.CUSTOMER_ID, StringType, false),
          createStructField(AudienceMembershipColumns.AUDIENCE, StringType, false),
          createStructField(AudienceMembershipColumns.AUDIENCE_TYPE, StringType, false),
          createStructField(AudienceMembershipColumns.AUDIENCE_GROUP, StringType, false),
          createStructField(AudienceMembershipColumns.FROM_DATE, DateType, false),
          createStructField(AudienceMembershipColumns.TO_DATE, DateType, true),
      }),
      List.of(),
      "Each stay of a customer in an audience: group, the first night in (from_date) and the first night out "
          + "(to_date, null while in it); kept by publish-audiences, one MERGE a night.")
      .withStatsColumns(AudienceMembershipColumns.AUDIENCE, AudienceMembershipColumns.FROM_DATE,
          AudienceMembershipColumns.TO_DATE)
      .withIdColumns(AudienceMembershipColumns.CUSTOMER_ID);

  /** Columns of {@link #GOLD_AUDIENCE_LIFT}. */
  public static final class AudienceLiftColumns {
    /** The night measured: outcomes count up to and including it. */
    public static final String AS_OF = "as_of";
    public static final String AUDIENCE = AudienceColumns.AUDIENCE;
    /** The night the cohort's customers entered the audience. */
    public static final String COHORT_DATE = "cohort_date";
    /** Days after entry counted: cohort_date + 1 .. as_of. */
    public static final String DAYS_OBSERVED = "days_observed";
    /**
     * conversion_rate, purchases_per_customer, net_revenue_per_customer or clv_change_per_customer (CLV at as_of
     * less CLV on the night of entry).
     */
    public static final String METRIC = "metric";
    /** The group's customers with a value of the metric (for CLV: with features on both nights). */
    public static final String TREATMENT_CUSTOMERS = "treatment_customers";
    public static final String CONTROL_CUSTOMERS = "control_customers";
    public static final String TREATMENT_VALUE = "treatment_value";
    public static final String CONTROL_VALUE = "control_value";
    /** treatment_value - control_value, with its 95% interval. */
    public static final String ABSOLUTE_LIFT = "absolute_lift";
    public static final String ABSOLUTE_LIFT_LOW = "absolute_lift_low";
    public static final String ABSOLUTE_LIFT_HIGH = "absolute_lift_high";
    /** treatment_value / control_value - 1, with its 95% interval; null where control_value is 0 or below. */
    public static final String RELATIVE_LIFT = "relative_lift";
    public static final String RELATIVE_LIFT_LOW = "relative_lift_low";
    public static final String RELATIVE_LIFT_HIGH = "relative_lift_high";
    public static final String P_VALUE = "p_value";
    /** measured, or too_small (a group below kindred.audiences.measure.min-group-customers: no lift given). */
    public static final String STATUS = "status";
    public static final String RUN_ID = LineageColumns.RUN_ID;
    public static final String MEASURED = "measured";
    public static final String TOO_SMALL = "too_small";
    public static final String CONVERSION_RATE = "conversion_rate";
    public static final String PURCHASES_PER_CUSTOMER = "purchases_per_customer";
    public static final String NET_REVENUE_PER_CUSTOMER = "net_revenue_per_customer";
    public static final String CLV_CHANGE_PER_CUSTOMER = "clv_change_per_customer";

    private AudienceLiftColumns() {
    }
  }

  /** {@code gold/audience_lift}: per night measured, audience, cohort and metric, treatment against control. */
  public static final TableDef GOLD_AUDIENCE_LIFT = new TableDef(Layer.GOLD, "audience_lift",
      createStructType(new StructField[] {
          createStructField(AudienceLiftColumns.AS_OF, DateType, false),
          createStructField(AudienceLiftColumns.AUDIENCE, StringType, false),
          createStructField(AudienceLiftColumns.COHORT_DATE, DateType, false),
          createStructField(AudienceLiftColumns.DAYS_OBSERVED, IntegerType, false),
          createStructField(AudienceLiftColumns.METRIC, StringType, false),
          createStructField(AudienceLiftColumns.TREATMENT_CUSTOMERS, LongType, false),
          createStructField(AudienceLiftColumns.CONTROL_CUSTOMERS, LongType, false),
          createStructField(AudienceLiftColumns.TREATMENT_VALUE, DoubleType, true),
          createStructField(AudienceLiftColumns.CONTROL_VALUE, DoubleType, true),
          createStructField(AudienceLiftColumns.ABSOLUTE_LIFT, DoubleType, true),
          createStructField(AudienceLiftColumns.ABSOLUTE_LIFT_LOW, DoubleType, true),
          createStructField(AudienceLiftColumns.ABSOLUTE_LIFT_HIGH, DoubleType, true),
          createStructField(AudienceLiftColumns.RELATIVE_LIFT, DoubleType, true),
          createStructField(AudienceLiftColumns.RELATIVE_LIFT_LOW, DoubleType, true),
          createStructField(AudienceLiftColumns.RELATIVE_LIFT_HIGH, DoubleType, true),
          createStructField(AudienceLiftColumns.P_VALUE, DoubleType, true),
          createStructField(AudienceLiftColumns.STATUS, StringType, false),
          createStructField(AudienceLiftColumns.RUN_ID, StringType, false),
      }),
      List.of(AudienceLiftColumns.AS_OF),
      "Per night measured, audience, cohort (night of entry) and metric: treatment against control over the same "
          + "days after entry, absolute and relative lift with 95% intervals and p-value (measure-audiences).");

  /** Every table, in nightly order; docs/tables.md is generated from this list. */
  public static List<TableDef> all() {
    return List.of(SILVER_FX_RATES, SILVER_CUSTOMERS, QUARANTINE_CUSTOMERS, SILVER_TRANSACTIONS,
        QUARANTINE_TRANSACTIONS, SILVER_INTERACTIONS, QUARANTINE_INTERACTIONS, SILVER_FOLLOWS,
        GOLD_CUSTOMER_STATE, GOLD_CUSTOMER_FEATURES, GOLD_CLV_MODELS, GOLD_CLV_HOLDOUT, GOLD_CHURN_MODELS,
        GOLD_SOCIAL_FEATURES, GOLD_SEGMENT_MODELS, GOLD_SEGMENT_MODEL_SWEEPS, GOLD_SEGMENT_PROFILES,
        GOLD_CUSTOMER_SEGMENTS, GOLD_SEGMENT_MEMBERSHIP_CHANGES, GOLD_AUDIENCES, GOLD_AUDIENCE_MEMBERSHIP,
        GOLD_AUDIENCE_LIFT, RUN_METRICS, EXPORTS, ERASURE_REQUESTS);
  }
}
