package io.kindred.jobs.clean;

import static org.apache.spark.sql.functions.col;

import io.kindred.clean.Cleaning;
import io.kindred.clean.DerivedFields;
import io.kindred.jobs.cli.SettingRules;
import io.delta.tables.DeltaTable;
import io.kindred.clean.Feed;
import io.kindred.clean.IncrementalHistory;
import io.kindred.clean.InteractionType;
import io.kindred.clean.RawFiles;
import io.kindred.clean.RecordParser;
import io.kindred.clean.SourceDef;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.FollowColumns;
import io.kindred.lake.Tables.InteractionColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.privacy.Erasure;
import io.kindred.privacy.ErasureLedger;
import io.kindred.quality.Reason;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The body the three cleaning commands share: read one source's raw files for delivery days from..to, parse and
 * check every record, resolve duplicates against what is already in silver, write the silver table, the
 * quarantine table and one row of run metrics, and fail when the quarantine rate exceeds
 * {@code kindred.quarantine.max-rate} (or the source's own {@code max-quarantine-rate}).
 *
 * <p>Reruns: every row carries its source and delivery day ({@code ingest_day}); a run replaces exactly the rows
 * its source contributed for days from..to, in one Delta commit per table ({@code replaceWhere}), so running a
 * day twice leaves the tables as one run did, and a late record (in a later day's folder, for an earlier date)
 * belongs to the day it was delivered and is replaced with it.
 */
public final class CleanJob {

  /** Configuration key of the quarantine-rate threshold. */
  public static final String MAX_RATE_KEY = "quarantine.max-rate";
  /** Configuration key of the longest value a raw field may hold (longer: {@code field_too_long}). */
  public static final String MAX_FIELD_LENGTH_KEY = "clean.max-field-length";

  private CleanJob() {
  }

  /** The built-in source of the generator's feed. */
  public static String defaultSource(Feed feed) {
    return "generator-" + feed.code();
  }

  /**
   * The demo's cleaning stage: clean-customers, clean-transactions and clean-interactions over the generator's feeds
   * below {@code raw} (each a run of its own, with its own metrics row), delivery days from..to in one run each.
   * Logs a warning and does nothing when {@code raw} holds no generated feeds.
   */
  public static void cleanGeneratedFeeds(JobContext demo, String raw, LocalDate from, LocalDate to)
      throws Exception {
    if (!Lakehouse.pathExists(demo.spark(), Location.parse(RawFiles.resolve(raw, Feed.TRANSACTIONS.code())))) {
      demo.log().warn("no generated feeds below {}: run kindred generate first; cleaning skipped", raw);
      return;
    }
    for (Feed feed : List.of(Feed.CUSTOMERS, Feed.TRANSACTIONS, Feed.INTERACTIONS)) {
      CleanOptions options = new CleanOptions().withInput(RawFiles.resolve(raw, feed.code())).withFromDate(from);
      run(demo.forJob("clean-" + feed.code(), to), feed, options);
    }
  }

  /** Runs one cleaning job; returns its metrics (also written to ops/run_metrics). */
  public static RunMetrics run(JobContext context, Feed feed, CleanOptions options) throws Exception {
    SourceDef source = SourceDef.load(options.source(defaultSource(feed)));
    if (source.feed() != feed) {
      throw new IllegalArgumentException("Source " + source.name() + " delivers the " + source.feed().code()
          + " feed; " + context.job() + " expects a " + feed.code() + " source");
    }
    LocalDate to = context.runDate();
    LocalDate from = source.layout() == SourceDef.Layout.SINGLE ? to : options.fromDate(to);
    double maxRate = source.maxQuarantineRate() != null ? source.maxQuarantineRate()
        : context.config().getDouble(MAX_RATE_KEY);
    return context.accounted(metrics -> clean(context, metrics, feed, source, options.input(), from, to, maxRate,
        options.allowEmpty()));
  }

  private static void clean(JobContext context, RunMetrics metrics, Feed feed, SourceDef source, String input,
      LocalDate from, LocalDate to, double maxRate, boolean allowEmpty) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    if (source.maxQuarantineRate() != null) {
      metrics.detail("max_quarantine_rate", source.maxQuarantineRate());
    }
    metrics.detail("source", source.name()).detail("input", input).detail("from_date", from).detail("to_date", to);
    RawFiles.Input files = context.steps().run("list input", () -> RawFiles.list(spark, input, source, from, to));
    context.log().info("{}: {} files for delivery days {}..{} from {}", source.name(), files.files().size(), from, to,
        input);
    metrics.detail("files_read", files.files().size());
    metrics.detail("files", files.files().stream().map(RawFiles.RawFile::path).limit(20)
        .collect(Collectors.joining(",")) + (files.files().size() > 20 ? ",..." : ""));
    if (!files.ignoredFiles().isEmpty()) {
      context.log().warn("{}: {} files ignored (extension not in the source's formats): {}", source.name(),
          files.ignoredFiles().size(), files.ignoredFiles());
      metrics.detail("files_ignored", String.join(",", files.ignoredFiles()));
    }
    if (!files.missingColumns().isEmpty()) {
      // a renamed or dropped optional column: its field is null in every record of those files
      context.log().warn("{}: optional columns missing, their fields null in every record of the files: {}",
          source.name(), files.missingColumns());
      metrics.detail("optional_columns_missing", String.join(",", files.missingColumns().keySet()));
    }
    int maxFieldLength = context.config().getInt(MAX_FIELD_LENGTH_KEY);

    Dataset<Row> fxRates = null;
    if (feed == Feed.TRANSACTIONS && source.fxRates() != null) {
      String fxInput = RawFiles.resolve(input, source.fxInput());
      fxRates = context.steps().run("load fx rates", () -> loadFxRates(context, metrics, source, fxInput, from, to));
    }

    // customers forgotten (kindred forget) stay forgotten when a raw feed outside the lakehouse is cleaned again
    String salt = ErasureLedger.salt(spark, lake);
    Dataset<Row> forgottenHashes = salt == null ? null : ErasureLedger.forgottenHashes(spark, lake);
    String replaced = replacedRows(source, from, to);
    TableDef silver = silverTable(feed);
    List<String> keys = keysOf(feed);
    Dataset<Row> prior = lake.readOrEmpty(spark, silver).filter(functions.not(functions.expr(replaced)));
    CollectionAccumulator<String> unmappedJsonFields = spark.sparkContext()
        .collectionAccumulator("unmapped JSON fields of " + source.name());
    CollectionAccumulator<String> lineCounts = spark.sparkContext()
        .collectionAccumulator("line counts of " + source.name());
    CollectionAccumulator<String> repeatedHeaders = spark.sparkContext()
        .collectionAccumulator("repeated headers of " + source.name());
    Location staging = lake.staging(context.runId());
    String stagedRecords = staging.resolve("records").uri();
    String stagedVerdicts = staging.resolve("verdicts").uri();
    try {
      // the one pass over the raw files: every record parsed, checked and staged with its verdict so far
      Dataset<Row> fx = fxRates;
      Dataset<Row> records = context.steps().run("parse and check", () -> {
        Dataset<Row> lines = RawFiles.readLines(spark, source, files, lineCounts, repeatedHeaders);
        if (source.derivedId() != null && source.derivedId().repeatsAreDistinct()) {
          lines = Cleaning.withOccurrence(lines);
        }
        RecordParser parser = new RecordParser(source, files.headers()).reportingUnmappedFieldsTo(unmappedJsonFields)
            .withMaxFieldLength(maxFieldLength);
        Dataset<Row> parsed = Cleaning.parsedRecords(DerivedFields.withDerivedValues(lines, parser, source), parser,
            feed);
        if (feed == Feed.TRANSACTIONS) {
          parsed = Cleaning.withFxRates(parsed, fx, context.config().getString(SettingRules.REPORTING_CURRENCY));
        }
        if (forgottenHashes != null) {
          parsed = Erasure.markForgotten(parsed, feed.personFields(), forgottenHashes, salt, RecordParser.REASON,
              RecordParser.DETAIL);
        }
        parsed.withColumn(Cleaning.ROW_ID, functions.monotonically_increasing_id())
            .write().mode("overwrite")
            // scratch data read twice and deleted: most of its text columns are unique, so no dictionaries
            .option("parquet.enable.dictionary", "false")
            // row groups of 16 MB: a task reading a few columns back holds little of them at once
            .option("parquet.block.size", Integer.toString(16 << 20))
            .parquet(stagedRecords);
        return spark.read().parquet(stagedRecords);
      });
      // staged too, not cached: a cached plan that reads silver is dropped when the run writes silver, and would be
      // recomputed (a second scan of every prior key) by the quarantine write
      Dataset<Row> contested = context.steps().run("resolve duplicates", () -> {
        Cleaning.duplicateVerdicts(records, prior, keys).write().mode("overwrite").parquet(stagedVerdicts);
        return spark.read().parquet(stagedVerdicts);
      });
      java.util.Set<LocalDate> daysWithRecords = new java.util.TreeSet<>();
      NulledFields nulled = new NulledFields();
      Map<String, Long> byReason = context.steps().run("count", () -> countByReason(records, contested,
          daysWithRecords, nulled));
      if (nulled.records > 0) {
        // kept, so among the rows written: a count of its own beside the accounting
        metrics.detail(RecordParser.BAD_OPTIONAL_FIELD, nulled.records);
        context.log().warn("{}: {} records kept with a malformed optional field nulled ({}), e.g. {}", source.name(),
            nulled.records, RecordParser.BAD_OPTIONAL_FIELD, nulled.example);
      }
      java.util.Set<String> headersSkipped = new java.util.TreeSet<>(repeatedHeaders.value());
      if (!headersSkipped.isEmpty()) {
        // not records: neither in rows_in nor quarantined, counted beside the accounting
        metrics.detail("repeated_headers_skipped", headersSkipped.size());
        context.log().warn("{}: {} header lines repeated inside files skipped (file:line): {}", source.name(),
            headersSkipped.size(), headersSkipped.stream().limit(20).toList());
      }
      requireNoEmptyDayReplacesRows(context, metrics, source, files, daysWithRecords, allowEmpty,
          List.of(silver, quarantineTable(feed)));
      long rowsIn = byReason.values().stream().mapToLong(Long::longValue).sum();
      long accepted = byReason.getOrDefault("", 0L);
      long duplicates = byReason.getOrDefault(Reason.EXACT_DUPLICATE.code(), 0L);
      long forgotten = byReason.getOrDefault(Reason.FORGOTTEN.code(), 0L);
      metrics.addRowsIn(rowsIn).addDuplicatesDropped(duplicates).addForgotten(forgotten);
      if (forgotten > 0) {
        context.log().info("{}: {} records of forgotten customers dropped (ops/erasure_requests)", source.name(),
            forgotten);
      }
      // counted now, added to the metrics once committed: a failed run's row claims only what it wrote
      Map<String, Long> quarantinedByReason = new java.util.TreeMap<>(byReason);
      quarantinedByReason.remove("");
      quarantinedByReason.remove(Reason.EXACT_DUPLICATE.code());
      quarantinedByReason.remove(Reason.FORGOTTEN.code());
      long toQuarantine = quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
      // delimited files' headers were checked up front; JSON fields were seen while parsing
      java.util.Set<String> extra = new java.util.TreeSet<>(files.extraColumns());
      extra.addAll(unmappedJsonFields.value());
      if (!extra.isEmpty()) {
        context.log().info("{}: columns ignored (not mapped): {}", source.name(), extra);
        metrics.detail("extra_columns_ignored", String.join(",", extra));
      }

      Dataset<Row> resolved = Cleaning.withVerdicts(records, contested);
      Dataset<Row> acceptedRows = Cleaning.accepted(resolved);
      long silverVersion = lake.version(spark, silver);
      long written = context.steps().run("write " + silver.relativePath(), () -> {
        switch (feed) {
          case TRANSACTIONS -> replace(spark, lake, silver,
              Cleaning.transactionsSilver(acceptedRows, source.name(), context.runId()), replaced);
          case INTERACTIONS -> replace(spark, lake, silver,
              Cleaning.interactionsSilver(acceptedRows, source.name(), context.runId()), replaced);
          case CUSTOMERS -> writeCustomers(context, metrics, acceptedRows, prior, source, replaced);
          default -> throw new IllegalStateException(feed.toString());
        }
        return feed == Feed.CUSTOMERS ? accepted : lake.rowsWrittenSince(spark, silver, silverVersion);
      });
      requireCount("rows written to " + silver.relativePath(), accepted, written);
      metrics.addRowsWritten(written);
      TableDef quarantine = quarantineTable(feed);
      long quarantineVersion = lake.version(spark, quarantine);
      long quarantined = context.steps().run("write " + quarantine.relativePath(), () -> {
        replace(spark, lake, quarantine, Cleaning.quarantineRows(Cleaning.withLineNumbers(resolved,
            RawFiles.lineNumbers(spark, lineCounts.value())), source.name(), context.runDate(), context.runId()),
            replaced);
        return lake.rowsWrittenSince(spark, quarantine, quarantineVersion);
      });
      requireCount("rows written to " + quarantine.relativePath(), toQuarantine, quarantined);
      quarantinedByReason.forEach(metrics::addQuarantined);
      if (feed == Feed.INTERACTIONS) {
        context.steps().run("rebuild " + Tables.SILVER_FOLLOWS.relativePath(), () -> rebuildFollows(context,
            metrics, replaced));
      }
      context.log().info("{}: {}", source.name(), metrics.summary());
      requireQuarantineRate(metrics, maxRate);
    } finally {
      Lakehouse.delete(spark, staging);
    }
  }

  /** Fails when a table's commit recorded another number of rows than the run counted (a defect, not bad input). */
  private static void requireCount(String what, long counted, long committed) {
    if (counted != committed) {
      throw new IllegalStateException("Row accounting does not add up: " + committed + " " + what
          + " by the commit, " + counted + " counted by the run");
    }
  }

  /** Rows a run of {@code source} for days from..to replaces. */
  static String replacedRows(SourceDef source, LocalDate from, LocalDate to) {
    return LineageColumns.SOURCE + " = '" + source.name().replace("\\", "\\\\").replace("'", "\\'") + "' AND "
        + LineageColumns.INGEST_DAY + " BETWEEN DATE'" + from + "' AND DATE'" + to + "'";
  }

  /** Replaces the rows matching {@code predicate} in {@code table} with {@code rows}, in one Delta commit. */
  static void replace(SparkSession spark, Lakehouse lake, TableDef table, Dataset<Row> rows, String predicate) {
    // one task per partition value: one file per date instead of one per date and task
    DeltaWrites.replace(spark, lake, table, table.partitionColumns().isEmpty() ? rows
        : rows.repartition(table.partitionColumns().stream().map(functions::col).toArray(Column[]::new)), predicate);
  }

  /**
   * Records by verdict ("" for accepted): the staged verdicts, then duplicate resolution's changes to them; the
   * delivery days that held at least one record are added to {@code days}, and the records passed with a malformed
   * optional field nulled are counted into {@code nulled}.
   */
  private static Map<String, Long> countByReason(Dataset<Row> records, Dataset<Row> verdicts,
      java.util.Set<LocalDate> days, NulledFields nulled) {
    Map<String, Long> out = new LinkedHashMap<>();
    Column isNulled = col(RecordParser.REASON).isNull()
        .and(col(RecordParser.DETAIL).startsWith(RecordParser.BAD_OPTIONAL_FIELD));
    for (Row r : records.groupBy(col(RecordParser.INGEST_DAY), col(RecordParser.REASON), isNulled.as("nulled"))
        .agg(functions.count(functions.lit(1)), functions.first(col(RecordParser.DETAIL), true)).collectAsList()) {
      days.add(r.getDate(0).toLocalDate());
      out.merge(r.isNullAt(1) ? "" : r.getString(1), r.getLong(3), Long::sum);
      if (!r.isNullAt(2) && r.getBoolean(2)) {
        nulled.records += r.getLong(3);
        // the detail without its code: the log line names the code once
        nulled.example = nulled.example == null ? r.getString(4).substring(RecordParser.BAD_OPTIONAL_FIELD.length() + 2)
            : nulled.example;
      }
    }
    for (Row r : verdicts.groupBy(col(RecordParser.REASON)).count().collectAsList()) {
      out.merge(r.getString(0), r.getLong(1), Long::sum);
      out.merge("", -r.getLong(1), Long::sum);
    }
    return out;
  }

  /** Records kept with a malformed optional field nulled: how many, and one's detail. */
  private static final class NulledFields {
    long records;
    String example;
  }

  /**
   * Warns of every delivery day whose files held no record (empty or header-only files), and fails, before anything
   * is written, when such a day's rows already in {@code tables} would be replaced by nothing, unless
   * {@code allowEmpty}: a feed that broke upstream must not empty a day that was loaded before.
   */
  private static void requireNoEmptyDayReplacesRows(JobContext context, RunMetrics metrics, SourceDef source,
      RawFiles.Input files, java.util.Set<LocalDate> daysWithRecords, boolean allowEmpty, List<TableDef> tables) {
    Map<LocalDate, List<String>> empty = new java.util.TreeMap<>();
    for (RawFiles.RawFile file : files.files()) {
      if (!daysWithRecords.contains(file.ingestDay())) {
        empty.computeIfAbsent(file.ingestDay(), d -> new ArrayList<>()).add(file.path());
      }
    }
    if (empty.isEmpty()) {
      return;
    }
    empty.forEach((day, paths) -> context.log().warn("{}: the delivery of {} holds no records (empty or header-only "
        + "files: {})", source.name(), day, paths));
    metrics.detail("empty_delivery_days", empty.keySet().stream().map(LocalDate::toString)
        .collect(Collectors.joining(",")));
    if (allowEmpty) {
      return;
    }
    SparkSession spark = context.spark();
    Column days = col(LineageColumns.INGEST_DAY).isin(empty.keySet().stream().map(java.sql.Date::valueOf).toArray())
        .and(col(LineageColumns.SOURCE).equalTo(source.name()));
    for (TableDef table : tables) {
      List<Row> held = context.lake().readOrEmpty(spark, table).filter(days)
          .groupBy(col(LineageColumns.INGEST_DAY)).count().orderBy(col(LineageColumns.INGEST_DAY)).collectAsList();
      if (!held.isEmpty()) {
        Row first = held.get(0);
        throw new IllegalStateException("The delivery of " + first.getDate(0) + " for source " + source.name()
            + " holds no records (" + String.join(", ", empty.get(first.getDate(0).toLocalDate())) + "), but "
            + table.relativePath() + " already holds " + first.getLong(1) + " of its rows for that day, which this "
            + "run would replace with nothing; nothing was written. If the day really is empty, rerun with "
            + "--allow-empty.");
      }
    }
  }

  /**
   * Fails when the share of input rows quarantined exceeds {@code maxRate}, naming the rate, the threshold and the
   * top reasons.
   */
  static void requireQuarantineRate(RunMetrics metrics, double maxRate) {
    if (metrics.rowsIn() == 0) {
      return;
    }
    double rate = (double) metrics.rowsQuarantined() / metrics.rowsIn();
    if (rate > maxRate) {
      String top = metrics.quarantinedByReason().entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(3).map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
      throw new IllegalStateException(String.format(Locale.ROOT,
          "quarantine rate %.2f%% exceeds the threshold %.2f%% (%d of %d rows); top reasons: %s", rate * 100,
          maxRate * 100, metrics.rowsQuarantined(), metrics.rowsIn(), top));
    }
  }

  private static Dataset<Row> loadFxRates(JobContext context, RunMetrics metrics, SourceDef source, String fxInput,
      LocalDate from, LocalDate to) {
    SparkSession spark = context.spark();
    SourceDef fx = source.fxRates();
    RawFiles.Input files = RawFiles.list(spark, fxInput, fx, from, to);
    Dataset<Row> parsed = Cleaning.parsedRecords(RawFiles.readLines(spark, fx, files, null),
        new RecordParser(fx, files.headers()), Feed.FX_RATES).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> bad = parsed.filter(col(RecordParser.REASON).isNotNull())
          .select(RecordParser.FILE, RecordParser.LINE, RecordParser.REASON, RecordParser.DETAIL).limit(5)
          .collectAsList();
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException("FX-rate feed " + fxInput + " has records that do not parse: "
            + bad.stream().map(r -> r.getString(0) + " line " + r.get(1) + ": " + r.getString(2) + " ("
                + r.getString(3) + ")").collect(Collectors.joining("; ")));
      }
      Dataset<Row> rows = Cleaning.fxRatesSilver(parsed, fx.name(), context.runId());
      replace(spark, context.lake(), Tables.SILVER_FX_RATES, rows, replacedRows(fx, from, to));
      metrics.detail("fx_rates_loaded", parsed.count());
    } finally {
      parsed.unpersist();
    }
    return Cleaning.withOneRatePerDay(context.lake().read(spark, Tables.SILVER_FX_RATES));
  }

  private static void writeCustomers(JobContext context, RunMetrics metrics, Dataset<Row> accepted,
      Dataset<Row> prior, SourceDef source, String replaced) {
    SparkSession spark = context.spark();
    Dataset<Row> versions = Cleaning.customerVersions(accepted, source.name(), context.runId());
    Lakehouse lake = context.lake();
    DeltaTable table = lake.createIfNotExists(spark, Tables.SILVER_CUSTOMERS);
    if (!context.config().getBoolean(INCREMENTAL_KEY)) {
      Dataset<Row> history = Cleaning.withCustomerHistory(DeltaWrites.conform(Tables.SILVER_CUSTOMERS, prior)
          .unionByName(versions));
      Tables.SILVER_CUSTOMERS.requireSchemaOf(history);
      history.write().format("delta").mode("overwrite").save(lake.location(Tables.SILVER_CUSTOMERS).uri());
      metrics.detail("phones_unparsable", unparsablePhones(context, accepted));
      return;
    }
    Dataset<Row> current = lake.read(spark, Tables.SILVER_CUSTOMERS);
    if (current.isEmpty()) {
      // the first night (or a table emptied since): nothing to diff against, so the history is appended, without
      // the MERGE's planning and joins; the details are those the MERGE would have recorded
      Dataset<Row> history = Cleaning.withCustomerHistory(versions);
      Tables.SILVER_CUSTOMERS.requireSchemaOf(history);
      long version = lake.version(spark, Tables.SILVER_CUSTOMERS);
      history.write().format("delta").mode("append").save(lake.location(Tables.SILVER_CUSTOMERS).uri());
      long inserted = lake.rowsWrittenSince(spark, Tables.SILVER_CUSTOMERS, version);
      metrics.detail("customers_touched", lake.read(spark, Tables.SILVER_CUSTOMERS)
          .select(CustomerColumns.CUSTOMER_ID).distinct().count());
      mergeDetails(metrics, "customers", Map.of("numTargetRowsInserted", Long.toString(inserted)));
      metrics.detail("phones_unparsable", unparsablePhones(context, accepted));
      return;
    }
    // only the customers the run touched: their history recomputed, their rows replaced in one MERGE commit
    Dataset<Row> touched = IncrementalHistory.touchedCustomers(versions, current.filter(functions.expr(replaced)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> history = IncrementalHistory.customerHistoryOf(touched, prior, versions);
      Tables.SILVER_CUSTOMERS.requireSchemaOf(history);
      Dataset<Row> changes = DeltaWrites.changes(IncrementalHistory.rowsOfCustomers(current, touched), history,
          IncrementalHistory.CUSTOMER_ROW_KEY);
      Map<String, String> merged = DeltaWrites.mergeChanges(spark, table, changes,
          IncrementalHistory.CUSTOMER_ROW_KEY, null);
      metrics.detail("customers_touched", touched.count());
      mergeDetails(metrics, "customers", merged);
      metrics.detail("phones_unparsable", unparsablePhones(context, accepted));
    } finally {
      touched.unpersist();
    }
  }

  /**
   * Accepted records with a phone that did not become an E.164 number: those with a phone, less the run's rows in
   * silver/customers with one (the rows it wrote carry its run id). Counted from the written rows rather than by
   * parsing every phone again.
   */
  private static long unparsablePhones(JobContext context, Dataset<Row> accepted) {
    long withPhone = accepted.filter(col("phone").isNotNull()).count();
    long normalised = context.lake().read(context.spark(), Tables.SILVER_CUSTOMERS)
        .filter(col(LineageColumns.RUN_ID).equalTo(context.runId()).and(col(CustomerColumns.PHONE).isNotNull()))
        .count();
    return withPhone - normalised;
  }

  /** Configuration key: update silver/customers and silver/follows in place (true) or rewrite them whole. */
  static final String INCREMENTAL_KEY = "clean.incremental";
  /** What a silver/follows commit records (userMetadata): the silver/interactions version it reflects. */
  static final String FOLLOWS_BUILT_FROM = "kindred.follows.interactions_version=";

  private static void mergeDetails(RunMetrics metrics, String prefix, Map<String, String> merged) {
    metrics.detail(prefix + "_rows_inserted", merged.getOrDefault("numTargetRowsInserted", "0"))
        .detail(prefix + "_rows_updated", merged.getOrDefault("numTargetRowsUpdated", "0"))
        .detail(prefix + "_rows_deleted", merged.getOrDefault("numTargetRowsDeleted", "0"))
        .detail(prefix + "_rows_copied", merged.getOrDefault("numTargetRowsCopied", "0"));
  }

  /**
   * Brings silver/follows up to date with silver/interactions. Incremental when silver/follows reflects the version
   * of silver/interactions just before this run's write (its last commit says which): only the (follower, followee)
   * pairs with a follow or unfollow event in the replaced range, before or after the run, are recomputed (from all
   * their events) and merged in one commit. Otherwise (first run, a run that failed between the two writes,
   * {@code clean.incremental = false}) the table is rebuilt whole from all events, as before.
   */
  private static void rebuildFollows(JobContext context, RunMetrics metrics, String replaced) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    String interactionsPath = lake.location(Tables.SILVER_INTERACTIONS).uri();
    DeltaWrites.Commit write = DeltaWrites.lastCommit(DeltaTable.forPath(spark, interactionsPath));
    long version = write.version();
    Dataset<Row> interactions = spark.read().format("delta").option("versionAsOf", version).load(interactionsPath);
    boolean existed = lake.exists(spark, Tables.SILVER_FOLLOWS);
    DeltaTable follows = lake.createIfNotExists(spark, Tables.SILVER_FOLLOWS);
    String builtFrom = existed ? DeltaWrites.lastCommit(follows).userMetadata() : null;
    String stamp = FOLLOWS_BUILT_FROM + version;
    String before = FOLLOWS_BUILT_FROM + (version - 1);
    if (context.config().getBoolean(INCREMENTAL_KEY) && stamp.equals(builtFrom)) {
      context.log().info("silver/follows already reflects silver/interactions version {}", version);
    } else if (context.config().getBoolean(INCREMENTAL_KEY) && before.equals(builtFrom)
        && write.operation().equals("WRITE")
        && String.valueOf(write.operationParameters().get("predicate")).contains(replaced)) {
      // the one commit since silver/follows was built is this run's replace of its range
      Dataset<Row> replacedBefore = spark.read().format("delta").option("versionAsOf", version - 1)
          .load(interactionsPath).filter(functions.expr(replaced));
      Dataset<Row> pairs = IncrementalHistory.touchedFollowPairs(replacedBefore,
          interactions.filter(functions.expr(replaced))).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Dataset<Row> recomputed = IncrementalHistory.edgesOnly(IncrementalHistory.followEdgesOf(interactions,
            pairs));
        Dataset<Row> changes = DeltaWrites.changes(IncrementalHistory.rowsOfPairs(follows.toDF(), pairs),
            recomputed, IncrementalHistory.FOLLOW_ROW_KEY);
        Map<String, String> merged = DeltaWrites.mergeChanges(spark, follows, changes,
            IncrementalHistory.FOLLOW_ROW_KEY, stamp);
        metrics.detail("follow_pairs_touched", pairs.count());
        mergeDetails(metrics, "follows", merged);
      } finally {
        pairs.unpersist();
      }
    } else {
      context.log().info("silver/follows rebuilt whole from silver/interactions version {} (it reflected {}; the "
          + "last commit: {} {})", version, builtFrom, write.operation(), write.operationParameters());
      Dataset<Row> all = IncrementalHistory.edgesOnly(Cleaning.followEdges(interactions));
      all.write().format("delta").mode("overwrite").option("userMetadata", stamp)
          .save(lake.location(Tables.SILVER_FOLLOWS).uri());
    }
    // every unfollow either closed an edge (its unfollow_event_id) or none: count the table, not the walk
    Dataset<Row> table = lake.read(spark, Tables.SILVER_FOLLOWS);
    long total = table.count();
    long closed = table.filter(col(FollowColumns.VALID_TO).isNotNull()).count();
    long unfollows = interactions.filter(col(InteractionColumns.TYPE).equalTo(InteractionType.UNFOLLOW.code())).count();
    metrics.detail("follow_edges", total).detail("follow_edges_active", total - closed)
        .detail("unfollows_without_follow", unfollows - closed);
  }

  static TableDef silverTable(Feed feed) {
    return switch (feed) {
      case TRANSACTIONS -> Tables.SILVER_TRANSACTIONS;
      case CUSTOMERS -> Tables.SILVER_CUSTOMERS;
      case INTERACTIONS -> Tables.SILVER_INTERACTIONS;
      case FX_RATES -> Tables.SILVER_FX_RATES;
    };
  }

  static TableDef quarantineTable(Feed feed) {
    return switch (feed) {
      case TRANSACTIONS -> Tables.QUARANTINE_TRANSACTIONS;
      case CUSTOMERS -> Tables.QUARANTINE_CUSTOMERS;
      case INTERACTIONS -> Tables.QUARANTINE_INTERACTIONS;
      case FX_RATES -> throw new IllegalArgumentException("FX rates have no quarantine table");
    };
  }

  /** The columns that identify one record of a feed, for duplicate resolution. */
  static List<String> keysOf(Feed feed) {
    return switch (feed) {
      case TRANSACTIONS -> List.of(TransactionColumns.TRANSACTION_ID);
      case INTERACTIONS -> List.of(InteractionColumns.EVENT_ID);
      case CUSTOMERS -> List.of(CustomerColumns.CUSTOMER_ID, CustomerColumns.UPDATED_AT);
      case FX_RATES -> List.of("date", "currency");
    };
  }
}
