package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.delta.tables.DeltaTable;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Literals;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import io.kindred.lake.SingleFile;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.ErasureRequestColumns;
import io.kindred.lake.Tables.ExportColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.Runs;
import io.kindred.privacy.Erasure;
import io.kindred.privacy.ErasureLedger;
import io.kindred.privacy.LineFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * {@code kindred forget}: the right to be forgotten. For each customer id given:
 * <ol>
 *   <li>records the request in {@code ops/erasure_requests}, the id hashed with the lakehouse's salt (never the id),
 *       status {@code requested}: from then on the cleaning jobs drop the customer's records from any feed, so a
 *       rerun or backfill from raw feeds outside the lakehouse does not bring them back;</li>
 *   <li>deletes every row that is theirs from every table holding personal data ({@link TableDef#idColumns}: silver,
 *       gold features, state, segments, membership changes, audiences and stays, social features, interactions and
 *       follows where they are actor or target; in the quarantine tables, the raw lines in which their id, e-mail or
 *       phone stands as a word), and renames the communities named after them;</li>
 *   <li>removes those lines from the text files kept below {@code raw/} and the rows from the exported audience files
 *       listed in {@code ops/exports};</li>
 *   <li>vacuums every such table with {@code kindred.forget.retention-hours} (default 0), so that the files that
 *       held the data are physically gone (and with them the tables' time travel: see docs/operations.md);</li>
 *   <li>sets the request's rows to {@code completed} with what was removed where.</li>
 * </ol>
 * Nothing is logged or committed with an id in it: the Delta commits' predicates name columns, not values. A request
 * that fails part-way can be given again; it finds what is left.
 *
 * <p>Example: {@code ./kindred forget --customer-id C00000042 --customer-id C00000043}, or
 * {@code ./kindred forget --from-file requests.txt} (one id per line).
 */
@Parameters(commandNames = "forget", commandDescription = "Forget customers: delete them from every table, raw file "
    + "and export in the lakehouse, record the request (id hashed) in ops/erasure_requests, vacuum.")
public final class ForgetCommand implements KindredCommand {

  static final String RETENTION_KEY = "forget.retention-hours";
  private static final Pattern ID = Pattern.compile("[^\\s,;\"']+");
  private static final String IDS = "ids";
  private static final String WORDS = "pattern";
  private static final String ALIASES = "aliases";
  static final String RAW_LINES = "raw (lines)";
  static final String EXPORTED_ROWS = "exports (rows)";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--customer-id", description = "A customer to forget (repeatable).")
  private List<String> customerIds = new ArrayList<>();

  @Parameter(names = "--from-file", description = "A text file of customers to forget, one id per line (blank lines "
      + "and lines starting with # are skipped).")
  private String fromFile;

  @Override
  public CommonOptions common() {
    return common;
  }

  public ForgetCommand customerIds(String... ids) {
    customerIds = new ArrayList<>(List.of(ids));
    return this;
  }

  public ForgetCommand fromFile(String value) {
    fromFile = value;
    return this;
  }

  @Override
  public void validate() {
    if (customerIds.isEmpty() && fromFile == null) {
      throw new ParameterException("Name the customers to forget: --customer-id ID (repeatable) or --from-file F");
    }
    for (String id : customerIds) {
      requireId(id, "--customer-id");
    }
  }

  private static void requireId(String id, String where) {
    if (!ID.matcher(id.strip()).matches()) {
      throw new ParameterException(where + " is '" + id + "'; expected one customer id (no spaces, commas, "
          + "semicolons or quotes)");
    }
  }

  @Override
  public void run(JobContext context) throws Exception {
    forget(context);
  }

  /** Runs the job; returns its metrics. */
  public RunMetrics forget(JobContext context) throws Exception {
    validate();
    Set<String> ids = new LinkedHashSet<>();
    customerIds.forEach(id -> ids.add(id.strip()));
    if (fromFile != null) {
      ids.addAll(readIds(context.spark(), fromFile));
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("The file " + fromFile + " names no customer id; expected one per line");
    }
    long retention = context.config().getInt(RETENTION_KEY);
    return context.accounted(m -> forget(context, m, new ArrayList<>(ids), retention));
  }

  /** The ids of a request file: one per line, blank lines and # comments skipped. */
  static List<String> readIds(SparkSession spark, String file) {
    Path path = new Path(Location.parse(file).uri());
    List<String> ids = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isFile(path)) {
        throw new IllegalArgumentException("--from-file " + file + " is not a file; expected a text file of "
            + "customer ids, one per line");
      }
      String text;
      try (var in = fs.open(path)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int number = 0;
      for (String line : text.split("\r?\n", -1)) {
        number++;
        String id = line.strip();
        if (id.isEmpty() || id.startsWith("#")) {
          continue;
        }
        if (!ID.matcher(id).matches()) {
          throw new IllegalArgumentException("Line " + number + " of " + file + " is '" + line + "'; expected one "
              + "customer id per line (no spaces, commas, semicolons or quotes)");
        }
        ids.add(id);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    return ids;
  }

  private void forget(JobContext context, RunMetrics metrics, List<String> ids, long retention) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    requireNoOtherRun(context);
    String salt = ErasureLedger.saltCreatingIfAbsent(spark, lake);
    Instant requestedAt = Instant.now();
    context.steps().run("record the request in " + Tables.ERASURE_REQUESTS.relativePath(), () -> {
      lake.createIfNotExists(spark, Tables.ERASURE_REQUESTS);
      List<Row> rows = ids.stream().map(id -> RowFactory.create(context.runId(), Timestamp.from(requestedAt),
          Erasure.hash(salt, id), ErasureRequestColumns.REQUESTED, null, null, null, retention, context.runId()))
          .toList();
      spark.createDataFrame(rows, Tables.ERASURE_REQUESTS.schema()).write().format("delta").mode("append")
          .save(lake.location(Tables.ERASURE_REQUESTS).uri());
    });
    metrics.addRowsIn(ids.size()).addRowsWritten(ids.size()).detail("customers", ids.size())
        .detail("retention_hours", retention);

    // the words their lines are found by: ids, and the e-mails and phones silver holds for them
    Dataset<Row> idRows = spark.createDataFrame(ids.stream().map(RowFactory::create).toList(),
        new StructType().add("id", DataTypes.StringType, false));
    Set<String> words = new LinkedHashSet<>(ids);
    if (lake.exists(spark, Tables.SILVER_CUSTOMERS)) {
      for (Row r : context.steps().run("find their e-mails and phones", () -> lake.read(spark,
          Tables.SILVER_CUSTOMERS).join(idRows, col(CustomerColumns.CUSTOMER_ID).equalTo(col("id")), "left_semi")
          .select(CustomerColumns.EMAIL, CustomerColumns.PHONE).distinct().collectAsList())) {
        for (int i = 0; i < 2; i++) {
          if (!r.isNullAt(i) && !r.getString(i).isBlank()) {
            words.add(r.getString(i).strip());
          }
        }
      }
    }
    String pattern = Erasure.wordPattern(words);
    Map<String, String> aliases = new TreeMap<>();
    ids.forEach(id -> aliases.put(id, "community-" + Erasure.hash(salt, id).substring(0, 12)));
    Dataset<Row> forgotten = spark.createDataFrame(List.of(RowFactory.create(ids, pattern, aliases)),
        new StructType().add(IDS, DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add(WORDS, DataTypes.StringType, false)
            .add(ALIASES, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false), false));

    // rows removed per table; renamed names as "<table>.<column>"; lines of raw files and rows of exports
    Map<String, Long> removed = new LinkedHashMap<>();
    List<TableDef> personal = Tables.all().stream().filter(TableDef::holdsPersonalData)
        .filter(t -> lake.exists(spark, t)).toList();
    for (TableDef table : personal) {
      long rows = context.steps().run("delete from " + table.relativePath(),
          () -> deleteRows(spark, lake, table, forgotten));
      if (rows > 0) {
        removed.put(table.relativePath(), rows);
      }
      for (String column : table.idNameColumns()) {
        long renamed = context.steps().run("rename " + column + " of " + table.relativePath(),
            () -> renameValues(spark, lake, table, column, forgotten));
        if (renamed > 0) {
          removed.merge(table.relativePath() + "." + column, renamed, Long::sum);
        }
      }
    }
    List<String> rewritten = new ArrayList<>();
    Pattern words_ = Pattern.compile(pattern);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (String file : context.steps().run("find their lines in " + lake.root().resolve(Layer.RAW.folder()),
        () -> rawFilesWith(spark, lake, pattern))) {
      long lines = LineFiles.removeLines(hadoop, new Path(file), words_);
      if (lines > 0) {
        rewritten.add(file);
        removed.merge(RAW_LINES, lines, Long::sum);
      }
    }
    context.steps().run("remove them from exported files", () -> {
      Pattern idWords = Pattern.compile(Erasure.wordPattern(ids));
      for (Export export : exportedFiles(spark, lake)) {
        long rows = removeFromExport(spark, export, idRows, idWords, context.runId());
        if (rows > 0) {
          rewritten.add(export.path());
          removed.merge(EXPORTED_ROWS, rows, Long::sum);
        }
      }
      return null;
    });
    context.steps().run("vacuum " + personal.size() + " tables (retention " + retention + " hours)", () -> {
      return lake.vacuum(spark, personal, retention);
    });
    context.steps().run("complete the request in " + Tables.ERASURE_REQUESTS.relativePath(), () -> {
      Map<String, Column> set = new LinkedHashMap<>();
      set.put(ErasureRequestColumns.STATUS, functions.lit(ErasureRequestColumns.COMPLETED));
      set.put(ErasureRequestColumns.COMPLETED_AT, functions.lit(Timestamp.from(Instant.now())));
      set.put(ErasureRequestColumns.ROWS_REMOVED, Literals.of(removed,
          Tables.ERASURE_REQUESTS.schema().apply(ErasureRequestColumns.ROWS_REMOVED).dataType()));
      set.put(ErasureRequestColumns.FILES_REWRITTEN, Literals.of(rewritten,
          Tables.ERASURE_REQUESTS.schema().apply(ErasureRequestColumns.FILES_REWRITTEN).dataType()));
      DeltaTable.forPath(spark, lake.location(Tables.ERASURE_REQUESTS).uri())
          .update(col(ErasureRequestColumns.REQUEST_ID).equalTo(context.runId()), set);
      return null;
    });
    removed.forEach((where, n) -> metrics.detail("removed " + where, n));
    metrics.detail("files_rewritten", rewritten.size());
    context.log().info("forgot {} customers: {}; {} raw and exported files rewritten; {} tables vacuumed with a "
        + "retention of {} hours", ids.size(), removed.isEmpty() ? "nothing of theirs was found"
            : removed.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")), rewritten.size(), personal.size(), retention);
  }

  /** Fails while another Kindred run is running: a VACUUM could delete the files it is writing. */
  private static void requireNoOtherRun(JobContext context) {
    for (Runs.Run run : Runs.recent(context.spark(), context.lake(), null, 200)) {
      if (!run.runId().equals(context.runId()) && Runs.RUNNING.equals(run.seenStatus())) {
        throw new IllegalStateException(run.job() + " " + run.describe() + " is running on this lakehouse; forget "
            + "vacuums the tables, which would delete the files that run is writing. Forget when no job runs (or "
            + "record a dead run as abandoned: kindred runs --abandon RUN_ID)");
      }
    }
  }

  /**
   * Deletes the rows of {@code table} that belong to the forgotten: one of its id columns holds one of their ids, or
   * (in a table without id columns: the quarantine's raw lines) one of their words stands in a personal column.
   * One MERGE against a single source row, so that no id appears in the commit's predicate; deletion vectors are
   * purged (the rows rewritten out of their files). Returns the rows deleted.
   */
  private static long deleteRows(SparkSession spark, Lakehouse lake, TableDef table, Dataset<Row> forgotten) {
    List<String> matches = new ArrayList<>();
    for (String column : table.idColumns()) {
      matches.add("array_contains(f." + IDS + ", t.`" + column + "`)");
    }
    if (table.idColumns().isEmpty()) {
      for (String column : table.personalColumns()) {
        if (table.schema().apply(column).dataType() instanceof StringType) {
          matches.add("t.`" + column + "` RLIKE f." + WORDS);
        }
      }
    }
    DeltaTable delta = DeltaTable.forPath(spark, lake.location(table).uri());
    long before = DeltaWrites.lastCommit(delta).version();
    delta.as("t").merge(forgotten.as("f"), expr(String.join(" OR ", matches))).whenMatched().delete().execute();
    DeltaWrites.Commit commit = DeltaWrites.lastCommit(delta);
    if (commit.version() == before) {
      return 0;
    }
    long deleted = Long.parseLong(commit.operationMetrics().getOrDefault("numTargetRowsDeleted", "0"));
    purgeDeletionVectors(spark, lake, table, delta);
    return deleted;
  }

  /** Renames the values of {@code column} that are a forgotten id (a community named after them). */
  private static long renameValues(SparkSession spark, Lakehouse lake, TableDef table, String column,
      Dataset<Row> forgotten) {
    DeltaTable delta = DeltaTable.forPath(spark, lake.location(table).uri());
    long before = DeltaWrites.lastCommit(delta).version();
    delta.as("t").merge(forgotten.as("f"), expr("array_contains(f." + IDS + ", t.`" + column + "`)"))
        .whenMatched().updateExpr(Map.of("`" + column + "`", "element_at(f." + ALIASES + ", t.`" + column + "`)"))
        .execute();
    DeltaWrites.Commit commit = DeltaWrites.lastCommit(delta);
    if (commit.version() == before) {
      return 0;
    }
    purgeDeletionVectors(spark, lake, table, delta);
    return Long.parseLong(commit.operationMetrics().getOrDefault("numTargetRowsUpdated", "0"));
  }

  /** Rewrites the files of {@code table} that carry deletion vectors, so the deleted rows leave the files. */
  private static void purgeDeletionVectors(SparkSession spark, Lakehouse lake, TableDef table, DeltaTable delta) {
    Map<String, String> properties = delta.detail().select("properties").first().getJavaMap(0);
    if ("true".equals(properties.get("delta.enableDeletionVectors"))) {
      spark.sql("REORG TABLE delta.`" + lake.location(table).uri().replace("`", "``") + "` APPLY (PURGE)");
    }
  }

  /** The text files below {@code raw/} with a line in which {@code pattern} is found: one Spark pass over them. */
  private static List<String> rawFilesWith(SparkSession spark, Lakehouse lake, String pattern) {
    Location raw = lake.root().resolve(Layer.RAW.folder());
    Path path = new Path(raw.uri());
    try {
      if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
        return List.of();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + raw + ": " + e.getMessage(), e);
    }
    return spark.read().option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.{csv,tsv,txt,json,jsonl,ndjson,gz,bz2}").text(raw.uri())
        .filter(col("value").rlike(pattern)).select(col("_metadata.file_path")).distinct()
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
  }

  /** An exported audience file on record in ops/exports, and its format ({@code csv} or {@code parquet}). */
  private record Export(String path, String format) {
  }

  /** The exported audience files on record in ops/exports that still exist. */
  private static List<Export> exportedFiles(SparkSession spark, Lakehouse lake) throws IOException {
    if (!lake.exists(spark, Tables.EXPORTS)) {
      return List.of();
    }
    List<Export> out = new ArrayList<>();
    for (Row r : lake.read(spark, Tables.EXPORTS).select(ExportColumns.PATH, ExportColumns.FORMAT).distinct()
        .collectAsList()) {
      Path file = new Path(r.getString(0));
      if (file.getFileSystem(spark.sparkContext().hadoopConfiguration()).isFile(file)) {
        out.add(new Export(r.getString(0), r.getString(1)));
      }
    }
    return out;
  }

  /** Removes the forgotten customers' rows from one exported file; returns the rows removed. */
  private static long removeFromExport(SparkSession spark, Export export, Dataset<Row> idRows, Pattern ids,
      String tag) {
    String file = export.path();
    if (!"parquet".equals(export.format())) {
      // CSV: one row per line, the customer id its first field
      return LineFiles.removeLines(spark.sparkContext().hadoopConfiguration(), new Path(file), ids);
    }
    Dataset<Row> rows = spark.read().parquet(file);
    long theirs = rows.join(idRows, rows.col(AudienceColumns.CUSTOMER_ID).equalTo(idRows.col("id")), "left_semi")
        .count();
    if (theirs > 0) {
      // written to a staging folder beside the file, then moved over it: the file is read before it is replaced
      SingleFile.write(spark, rows.join(idRows, rows.col(AudienceColumns.CUSTOMER_ID).equalTo(idRows.col("id")),
          "left_anti"), "parquet", Location.parse(file), true, tag);
    }
    return theirs;
  }
}
