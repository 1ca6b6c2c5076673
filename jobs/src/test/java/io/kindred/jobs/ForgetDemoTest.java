package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clean.Feed;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.clean.CleanJob;
import io.kindred.jobs.clean.CleanOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.ErasureRequestColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.privacy.Erasure;
import io.kindred.privacy.ErasureLedger;
import io.kindred.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kindred forget} after a small demo (every stage, two nights, an export and a report): three customers
 * forgotten, then every file below the lakehouse (every Parquet file read back row by row, every Delta log, raw and
 * exported file as text), every log line of the demo and of forget, and the report rendered again hold none of
 * their ids, e-mails or phones; other customers' rows are unchanged; and cleaning an old day again from a copy of
 * the raw feeds kept outside the lakehouse drops their records, counted as forgotten.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgetDemoTest {

  static final LocalDate D = LocalDate.of(2026, 3, 31);
  static final int CUSTOMERS = 600;
  /** Too few days for the demo's campaign: one night, scored once. */
  static final int DAYS = 40;

  private final SparkSession spark = SharedSpark.session();
  private Path dir;
  private Path lakehouse;
  private Path outside;
  private final StringWriter logs = new StringWriter();
  private Appender capture;
  /** The three customers forgotten, and everything that identifies them. */
  private final List<String> forgotten = new ArrayList<>();
  private final Set<String> words = new LinkedHashSet<>();
  private Pattern found;
  /** Other customers' rows before forget, per table, as JSON lines (the renamed community ids aside). */
  private final Map<String, Dataset<Row>> othersBefore = new LinkedHashMap<>();
  private String forgetOutput;
  private RunMetrics rerun;
  private long theirLinesThatDay;
  private LocalDate oldDay;
  private long exportedTheirs;

  private JobContext context(String job, LocalDate date) {
    Map<String, String> settings = new HashMap<>();
    settings.put("kindred.lakehouse", lakehouse.toString());
    KindredConfig config = KindredConfig.load(null, settings);
    return new JobContext(spark, config, new Lakehouse(Location.parse(config.getString("lakehouse"))), date, job);
  }

  @BeforeAll
  void demoThenForget(@TempDir Path tmp) throws Exception {
    dir = tmp;
    lakehouse = dir.resolve("lakehouse");
    outside = dir.resolve("feeds-outside");
    LoggerContext logging = (LoggerContext) LogManager.getContext(false);
    capture = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%c %m%n%ex").build(), null, logs,
        "forget-capture", false, true);
    capture.start();
    logging.getConfiguration().addAppender(capture);
    logging.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
    logging.updateLoggers();

    new DemoCommand().sample(CUSTOMERS, DAYS, 11).run(context("demo", D));
    Lakehouse lake = context("probe", D).lake();

    killScoringAtItsMergeThenRerun(lake);

    // the feeds as a source outside the lakehouse still holds them
    copyTree(lakehouse.resolve("raw"), outside);

    // 1: the first customer of the exported file; 2: a customer whose id names a community of several users;
    // 3: a customer with a quarantined transaction line
    Path export = Files.list(lakehouse.resolve("exports")).filter(p -> p.toString().endsWith(".csv")).findFirst()
        .orElseThrow();
    forgotten.add(Files.readAllLines(export).get(1).split(",")[0]);
    Row community = lake.read(spark, Tables.GOLD_SOCIAL_FEATURES)
        .filter(col(SocialFeatureColumns.AS_OF).equalTo(lit(java.sql.Date.valueOf(D))))
        .filter(col(SocialFeatureColumns.COMMUNITY_SIZE).gt(1))
        .filter(col(SocialFeatureColumns.COMMUNITY_ID).equalTo(col(SocialFeatureColumns.USER_ID)))
        .filter(col(SocialFeatureColumns.IS_CUSTOMER))
        .filter(functions.not(col(SocialFeatureColumns.USER_ID).isin(forgotten.toArray())))
        .orderBy(col(SocialFeatureColumns.USER_ID)).first();
    forgotten.add(community.getAs(SocialFeatureColumns.USER_ID));
    Row quarantined = lake.read(spark, Tables.QUARANTINE_TRANSACTIONS)
        .select(functions.regexp_extract(col("raw"), "(C[0-9]{8})", 1).as("id")).filter(col("id").notEqual(""))
        .filter(functions.not(col("id").isin(forgotten.toArray())))
        .join(lake.read(spark, Tables.SILVER_CUSTOMERS).select(col(CustomerColumns.CUSTOMER_ID).as("id")), "id")
        .orderBy("id").first();
    forgotten.add(quarantined.getString(0));
    words.addAll(forgotten);
    for (Row r : lake.read(spark, Tables.SILVER_CUSTOMERS)
        .filter(col(CustomerColumns.CUSTOMER_ID).isin(forgotten.toArray()))
        .select(CustomerColumns.EMAIL, CustomerColumns.PHONE).collectAsList()) {
      for (int i = 0; i < 2; i++) {
        if (!r.isNullAt(i)) {
          words.add(r.getString(i));
        }
      }
    }
    found = Pattern.compile(Erasure.wordPattern(words));

    for (TableDef table : List.of(Tables.SILVER_CUSTOMERS, Tables.SILVER_TRANSACTIONS, Tables.SILVER_INTERACTIONS,
        Tables.SILVER_FOLLOWS, Tables.GOLD_CUSTOMER_FEATURES, Tables.GOLD_SOCIAL_FEATURES,
        Tables.GOLD_CUSTOMER_SEGMENTS, Tables.GOLD_AUDIENCES, Tables.GOLD_AUDIENCE_MEMBERSHIP,
        Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES, Tables.QUARANTINE_TRANSACTIONS)) {
      othersBefore.put(table.relativePath(), others(lake, table).localCheckpoint());
    }
    // the earliest delivery day of their transactions, in the copy outside the lakehouse, and their lines there
    Map<LocalDate, Long> theirLines = new TreeMap<>();
    try (Stream<Path> files = Files.walk(outside.resolve("transactions"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        long n = Files.readAllLines(f).stream().filter(l -> found.matcher(l).find()).count();
        if (n > 0) {
          theirLines.merge(LocalDate.parse(f.getParent().getFileName().toString()), n, Long::sum);
        }
      }
    }
    oldDay = theirLines.keySet().iterator().next();
    theirLinesThatDay = theirLines.get(oldDay);
    exportedTheirs = Files.readAllLines(export).stream().filter(l -> found.matcher(l).find()).count();

    Path requests = dir.resolve("requests.txt");
    Files.writeString(requests, "# erasure requests of the week\n" + forgotten.get(2) + "\n\n");
    ForgetCommand forget = new ForgetCommand().customerIds(forgotten.get(0), forgotten.get(1))
        .fromFile(requests.toString());
    forget.common().lakehouse(lakehouse.toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Kindred.run(forget, spark, context("forget", D).config(), new PrintStream(err, true,
        StandardCharsets.UTF_8));
    forgetOutput = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, forgetOutput);
    new ReportCommand().out(lakehouse.resolve("report.html").toString()).overwrite(true)
        .report(context("report", D));

    rerun = CleanJob.run(context("clean-transactions", oldDay), Feed.TRANSACTIONS, new CleanOptions()
        .withInput(outside.resolve("transactions").toString()).withFromDate(oldDay));

    logging.getConfiguration().getRootLogger().removeAppender("forget-capture");
    logging.updateLoggers();
  }

  /** What the kill of score-segments at its MERGE left, and what its rerun gave. */
  private final Map<String, Object> killed = new LinkedHashMap<>();

  /**
   * An operator's probe before forget: score-segments for D run again as a data engineer runs it, in a JVM of its own,
   * killed with SIGKILL at its MERGE into gold/customer_segments; then publish-audiences is refused the day, and a
   * rerun in this JVM gives what the demo's uninterrupted run left.
   */
  private void killScoringAtItsMergeThenRerun(Lakehouse lake) throws Exception {
    Dataset<Row> segments = lake.read(spark, Tables.GOLD_CUSTOMER_SEGMENTS).localCheckpoint();
    Dataset<Row> changes = lake.read(spark, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES)
        .drop(Tables.LineageColumns.RUN_ID).localCheckpoint();
    long version = lake.version(spark, Tables.GOLD_CUSTOMER_SEGMENTS);
    Path overlay = dir.resolve("child.conf");
    Files.writeString(overlay, String.join("\n", "kindred.spark.conf {", "  \"spark.sql.shuffle.partitions\" = \"2\"",
        "  \"spark.ui.enabled\" = \"false\"", "}"));
    KilledChild.killedAt("merge " + Tables.GOLD_CUSTOMER_SEGMENTS.relativePath(), dir.resolve("killed-score.log"),
        overlay, "score-segments", "--run-date", D.toString(), "--lakehouse", lakehouse.toString());
    killed.put("version after the kill", lake.version(spark, Tables.GOLD_CUSTOMER_SEGMENTS) - version);
    killed.put("rows after the kill", lake.read(spark, Tables.GOLD_CUSTOMER_SEGMENTS).count() - segments.count());
    io.kindred.ops.Runs.Run run = io.kindred.ops.Runs.latest(spark, lake, "score-segments", D).orElseThrow();
    killed.put("status", run.seenStatus());
    PublishAudiencesCommand publish = new PublishAudiencesCommand();
    publish.common().runDate(D);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    killed.put("publish exit", Kindred.run(publish, spark, context("publish-audiences", D).config(),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    killed.put("publish message", err.toString(StandardCharsets.UTF_8));
    killed.put("killed run", run.describe());
    new ScoreSegmentsCommand().score(context("score-segments", D));
    Dataset<Row> again = lake.read(spark, Tables.GOLD_CUSTOMER_SEGMENTS);
    killed.put("segments differing", segments.exceptAll(again).count() + again.exceptAll(segments).count());
    Dataset<Row> changesAgain = lake.read(spark, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES)
        .drop(Tables.LineageColumns.RUN_ID);
    killed.put("changes differing", changes.exceptAll(changesAgain).count() + changesAgain.exceptAll(changes)
        .count());
    killed.put("segments", again.count());
  }

  @Test
  void scoringKilledAtItsMergeLeavesTheTableAsItWasIsAbandonedAndARerunGivesTheUninterruptedResult() {
    assertEquals(0L, killed.get("version after the kill"), "gold/customer_segments at its previous version");
    assertEquals(0L, killed.get("rows after the kill"));
    assertEquals(io.kindred.ops.Runs.ABANDONED, killed.get("status"));
    assertEquals(io.kindred.jobs.cli.CommandLine.FAILED, killed.get("publish exit"));
    assertTrue(((String) killed.get("publish message")).startsWith("kindred publish-audiences failed: The latest run "
        + "of score-segments for " + D + " is abandoned: " + killed.get("killed run") + ". publish-audiences does not "
        + "use a day its upstream did not finish"), (String) killed.get("publish message"));
    assertTrue((Long) killed.get("segments") > CUSTOMERS / 2, killed.toString());
    assertEquals(0L, killed.get("segments differing"), "the rerun's gold/customer_segments is the demo's");
    assertEquals(0L, killed.get("changes differing"), "the rerun's membership changes are the demo's");
  }

  @AfterAll
  void stopCapture() {
    capture.stop();
  }

  /** The rows of {@code table} that are not the forgotten customers', community names left out, as JSON. */
  private Dataset<Row> others(Lakehouse lake, TableDef table) {
    Dataset<Row> rows = lake.read(spark, table);
    for (String column : table.idColumns()) {
      rows = rows.filter(functions.not(col(column).isin(forgotten.toArray())));
    }
    if (table.idColumns().isEmpty()) {
      rows = rows.filter(functions.not(col("raw").rlike(found.pattern())));
    }
    List<Column> kept = new ArrayList<>();
    for (String c : rows.columns()) {
      // forget renames community names; the rerun of an old day below gives that day's rows a new run id
      if (!table.idNameColumns().contains(c) && !c.equals(Tables.LineageColumns.RUN_ID)) {
        kept.add(col(c));
      }
    }
    return rows.select(to_json(struct(kept.toArray(Column[]::new))).as("row"));
  }

  @Test
  void noFileBelowTheLakehouseHoldsTheirIdsEmailsOrPhones() throws IOException {
    List<String> hits = new ArrayList<>();
    Map<Path, List<String>> parquetByFolder = new TreeMap<>();
    long textFiles = 0;
    try (Stream<Path> files = Files.walk(lakehouse)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().endsWith(".parquet")) {
          parquetByFolder.computeIfAbsent(f.getParent(), k -> new ArrayList<>()).add(f.toString());
        } else {
          textFiles++;
          String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
          if (found.matcher(text).find()) {
            hits.add(lakehouse.relativize(f).toString());
          }
        }
      }
    }
    long parquetFiles = 0;
    for (Map.Entry<Path, List<String>> folder : parquetByFolder.entrySet()) {
      for (String file : folder.getValue()) {
        parquetFiles++;
        // every row of the file as written, deletion vectors or not
        Dataset<Row> rows = spark.read().parquet(file);
        long matching = rows.select(to_json(struct(col("*"))).as("row")).filter(col("row").rlike(found.pattern()))
            .count();
        if (matching > 0) {
          hits.add(lakehouse.relativize(Path.of(file)) + " (" + matching + " rows)");
        }
      }
    }
    assertTrue(parquetFiles > 100 && textFiles > 100, parquetFiles + " Parquet and " + textFiles + " other files");
    assertEquals(List.of(), hits, "files holding a forgotten customer's id, e-mail or phone");
  }

  @Test
  void noLogLineNamesThem() {
    String text = logs.toString();
    assertTrue(text.contains("kindred.forget forgot 3 customers: "), text.lines().filter(l -> l.contains("forget"))
        .collect(Collectors.joining("\n")));
    List<String> lines = text.lines().filter(l -> found.matcher(l).find()).toList();
    assertEquals(List.of(), lines);
    assertFalse(found.matcher(forgetOutput).find(), forgetOutput);
  }

  @Test
  void otherCustomersRowsAreUnchanged() {
    Lakehouse lake = context("probe", D).lake();
    for (Map.Entry<String, Dataset<Row>> before : othersBefore.entrySet()) {
      TableDef table = Tables.all().stream().filter(t -> t.relativePath().equals(before.getKey())).findFirst()
          .orElseThrow();
      Dataset<Row> after = others(lake, table);
      if (table == Tables.QUARANTINE_TRANSACTIONS) {
        // the rerun of the old day below quarantined that day's lines again, as of another run date
        continue;
      }
      assertEquals(before.getValue().count(), after.count(), table.relativePath());
      assertEquals(0, before.getValue().exceptAll(after).count(), table.relativePath() + ": rows gone");
      assertEquals(0, after.exceptAll(before.getValue()).count(), table.relativePath() + ": rows changed");
    }
  }

  @Test
  void theRequestIsOnRecordHashedAndComplete() {
    Lakehouse lake = context("probe", D).lake();
    String salt = ErasureLedger.salt(spark, lake);
    List<Row> rows = lake.read(spark, Tables.ERASURE_REQUESTS).orderBy(ErasureRequestColumns.CUSTOMER_HASH)
        .collectAsList();
    assertEquals(forgotten.stream().map(id -> Erasure.hash(salt, id)).sorted().toList(),
        rows.stream().map(r -> r.<String>getAs(ErasureRequestColumns.CUSTOMER_HASH)).toList());
    for (Row r : rows) {
      assertEquals(ErasureRequestColumns.COMPLETED, r.getAs(ErasureRequestColumns.STATUS));
      assertEquals(0L, r.<Long>getAs(ErasureRequestColumns.RETENTION_HOURS));
      Map<String, Long> removed = r.getJavaMap(r.fieldIndex(ErasureRequestColumns.ROWS_REMOVED));
      // every table that held them, their community's name, their raw lines and their exported row
      for (TableDef t : List.of(Tables.SILVER_CUSTOMERS, Tables.SILVER_TRANSACTIONS, Tables.QUARANTINE_TRANSACTIONS,
          Tables.SILVER_INTERACTIONS, Tables.GOLD_CUSTOMER_FEATURES, Tables.GOLD_CUSTOMER_STATE,
          Tables.GOLD_SOCIAL_FEATURES, Tables.GOLD_CUSTOMER_SEGMENTS, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES)) {
        assertTrue(removed.getOrDefault(t.relativePath(), 0L) > 0, t.relativePath() + " in " + removed);
      }
      assertTrue(removed.get(Tables.GOLD_SOCIAL_FEATURES.relativePath() + "." + SocialFeatureColumns.COMMUNITY_ID)
          > 1, removed.toString());
      assertTrue(removed.get(ForgetCommand.RAW_LINES) > 0, removed.toString());
      assertEquals(exportedTheirs, removed.get(ForgetCommand.EXPORTED_ROWS), removed.toString());
    }
    // the community named after the second keeps its members under a name that is no one's id
    String alias = "community-" + Erasure.hash(salt, forgotten.get(1)).substring(0, 12);
    assertTrue(lake.read(spark, Tables.GOLD_SOCIAL_FEATURES).filter(col(SocialFeatureColumns.COMMUNITY_ID)
        .equalTo(alias)).count() > 0);
  }

  @Test
  void cleaningAnOldDayAgainFromFeedsOutsideTheLakehouseDoesNotBringThemBack() {
    assertTrue(theirLinesThatDay > 0 && oldDay.isBefore(D.minusDays(7)), oldDay + ": " + theirLinesThatDay);
    assertEquals(theirLinesThatDay, rerun.forgotten());
    assertEquals(rerun.rowsIn(), rerun.rowsWritten() + rerun.rowsQuarantined() + rerun.duplicatesDropped()
        + rerun.forgotten());
    Lakehouse lake = context("probe", D).lake();
    assertEquals(0, lake.read(spark, Tables.SILVER_TRANSACTIONS)
        .filter(col(TransactionColumns.CUSTOMER_ID).isin(forgotten.toArray())).count());
    assertEquals(0, lake.read(spark, Tables.QUARANTINE_TRANSACTIONS).filter(col("raw").rlike(found.pattern()))
        .count());
    Row metrics = lake.read(spark, Tables.RUN_METRICS).filter(col("run_id").equalTo(rerun.runId())).first();
    assertEquals(theirLinesThatDay, metrics.<Long>getAs(Tables.RunMetricsColumns.ROWS_FORGOTTEN));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
