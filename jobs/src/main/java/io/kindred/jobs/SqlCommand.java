package io.kindred.jobs;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.Location;
import io.kindred.lake.SingleFile;
import io.kindred.lake.SqlCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code kindred sql}: Spark SQL over the lakehouse, read-only, with every Kindred table under a plain name
 * ({@link SqlCatalog}).
 *
 * <p>Prints the result as an aligned table (the first {@code --limit} rows), or as CSV or JSON lines; {@code --out}
 * writes every row to one file instead, through Spark. {@code --tables} lists the names, their columns and types,
 * what each holds and its row count. A statement that would write, drop, alter, delete, merge, create or set
 * anything is refused before it runs.
 *
 * <p>Examples: {@code ./kindred sql "SELECT segment_name, customers FROM segment_profiles"},
 * {@code ./kindred sql --file docs/queries/at-risk-this-week.sql --format csv --out at-risk.csv},
 * {@code ./kindred sql --tables}
 */
@Parameters(commandNames = "sql", commandDescription = "Query the lakehouse with Spark SQL (read-only): every "
    + "Kindred table by a plain name, e.g. customer_features, segment_profiles, audiences, run_metrics.")
public final class SqlCommand implements KindredCommand {

  /** Output formats. */
  enum Format {
    TABLE, CSV, JSON;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(description = "QUERY")
  private List<String> query = new ArrayList<>();

  @Parameter(names = "--file", description = "Read the query from this file instead.")
  private Path file;

  @Parameter(names = "--tables", description = "List the tables: names, columns, types, what each holds, rows.")
  private boolean tables;

  @Parameter(names = "--format", description = "table (aligned, for reading), csv (with a header) or json (one "
      + "object per line).")
  private String format = "table";

  @Parameter(names = "--out", description = "Write every row of the result to this file (local path or URI) "
      + "instead of printing; format csv or json.")
  private String out;

  @Parameter(names = "--overwrite", description = "Replace the --out file when it exists.")
  private boolean overwrite;

  @Parameter(names = "--limit", description = "Rows printed at most (--out writes them all).")
  private int limit = 100;

  private PrintStream stdout = System.out;

  @Override
  public CommonOptions common() {
    return common;
  }

  /** Where results are printed (tests capture it). */
  public SqlCommand printTo(PrintStream value) {
    this.stdout = value;
    return this;
  }

  public SqlCommand query(String value) {
    this.query = List.of(value);
    return this;
  }

  public SqlCommand tables(boolean value) {
    this.tables = value;
    return this;
  }

  public SqlCommand format(String value) {
    this.format = value;
    return this;
  }

  public SqlCommand out(String value) {
    this.out = value;
    return this;
  }

  Format parsedFormat() {
    for (Format f : Format.values()) {
      if (f.code().equals(format.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new ParameterException("--format is '" + format + "'; expected table, csv or json");
  }

  @Override
  public void validate() {
    Format f = parsedFormat();
    int sources = (query.isEmpty() ? 0 : 1) + (file == null ? 0 : 1) + (tables ? 1 : 0);
    if (sources != 1) {
      throw new ParameterException("Give exactly one of: a query in quotes, --file F, or --tables");
    }
    if (out != null && f == Format.TABLE) {
      throw new ParameterException("--out writes csv or json; add --format csv or --format json");
    }
    if (limit < 1) {
      throw new ParameterException("--limit is " + limit + "; expected at least 1");
    }
    if (file != null && !Files.isRegularFile(file)) {
      throw new ParameterException("--file " + file.toAbsolutePath() + " does not exist or is not a file");
    }
    if (!query.isEmpty() || file != null) {
      try {
        SqlCatalog.requireReadOnly(text());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(e.getMessage());
      }
    }
  }

  private String text() {
    if (file == null) {
      return String.join(" ", query);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip().replaceAll(";\\s*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void run(JobContext context) {
    validate();
    List<SqlCatalog.Entry> registered = SqlCatalog.register(context.spark(), context.lake(),
        tables ? null : SqlCatalog.namesReadBy(text()));
    if (tables) {
      stdout.print(describeTables(context, registered));
      return;
    }
    Dataset<Row> result;
    try {
      result = context.spark().sql(text());
    } catch (RuntimeException e) {
      if (String.valueOf(e.getMessage()).contains("TABLE_OR_VIEW_NOT_FOUND")) {
        throw new IllegalArgumentException(e.getMessage().lines().findFirst().orElse("") + " Kindred's tables are "
            + "named as kindred sql --tables lists them (below " + context.lake() + ": "
            + SqlCatalog.register(context.spark(), context.lake()).stream().map(SqlCatalog.Entry::name)
                .collect(Collectors.joining(", ")) + ").", e);
      }
      throw e;
    }
    if (out != null) {
      Location target = Location.parse(out);
      SingleFile.write(context.spark(), result, parsedFormat().code(), target, overwrite, context.runId());
      context.log().info("query result written to {} ({})", target, parsedFormat().code());
      return;
    }
    List<Row> rows = result.limit(limit + 1).collectAsList();
    boolean more = rows.size() > limit;
    List<Row> shown = more ? rows.subList(0, limit) : rows;
    switch (parsedFormat()) {
      case TABLE -> {
        List<String[]> cells = new ArrayList<>();
        cells.add(result.columns());
        shown.forEach(r -> cells.add(cellsOf(r, "null")));
        stdout.print(RunSummary.table(cells));
        stdout.println("(" + shown.size() + (shown.size() == 1 ? " row" : " rows")
            + (more ? "; more not shown: --limit N, or --format csv --out FILE for all)" : ")"));
      }
      case CSV -> {
        stdout.println(String.join(",", java.util.Arrays.stream(result.columns()).map(SqlCommand::csv).toList()));
        shown.forEach(r -> stdout.println(java.util.Arrays.stream(cellsOf(r, "")).map(SqlCommand::csv)
            .collect(Collectors.joining(","))));
      }
      case JSON -> shown.forEach(r -> stdout.println(r.json()));
      default -> throw new IllegalStateException(format);
    }
    if (more && parsedFormat() != Format.TABLE) {
      context.log().warn("only the first {} rows printed: --limit N, or --out FILE for all", limit);
    }
  }

  /** The names, what each holds, its columns and types and its row count. */
  private static String describeTables(JobContext context, List<SqlCatalog.Entry> registered) {
    StringBuilder text = new StringBuilder();
    if (registered.isEmpty()) {
      return "No Kindred tables below " + context.lake() + " yet: run the nightly stages (or ./kindred demo) first.\n";
    }
    SqlCatalog.Entry previous = null;
    for (SqlCatalog.Entry entry : registered) {
      long rows = context.spark().table(entry.name()).count();
      text.append(entry.name()).append(" (").append(String.format(Locale.ROOT, "%,d", rows))
          .append(rows == 1 ? " row" : " rows").append("; ").append(entry.table().relativePath()).append("): ");
      if (previous != null && previous.latestOnly() && previous.table().equals(entry.table())) {
        text.append("every night of ").append(previous.name()).append(", the same columns.\n\n");
        previous = entry;
        continue;
      }
      previous = entry;
      text.append(entry.description()).append('\n');
      List<String[]> columns = new ArrayList<>();
      columns.add(new String[] {"column", "type"});
      for (StructField field : entry.table().schema().fields()) {
        columns.add(new String[] {field.name(), field.dataType().simpleString()});
      }
      text.append(RunSummary.table(columns).lines().skip(1).map(l -> "  " + l).collect(Collectors.joining("\n")))
          .append("\n\n");
    }
    return text.toString();
  }

  /** A row's values as text: numbers as Spark prints them (doubles to 6 significant digits), maps as k: v. */
  static String[] cellsOf(Row row, String nullText) {
    String[] cells = new String[row.size()];
    for (int i = 0; i < row.size(); i++) {
      cells[i] = row.isNullAt(i) ? nullText : cell(row.get(i));
    }
    return cells;
  }

  private static String cell(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString()
          : Double.toString(d);
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      return CollectionConverters.asJava(map).entrySet().stream()
          .map(e -> cell(e.getKey()) + ": " + cell(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return CollectionConverters.asJava(seq).stream().map(SqlCommand::cell)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    if (value instanceof Row nested) {
      return String.join(", ", cellsOf(nested, "null"));
    }
    return value.toString();
  }

  private static String csv(String value) {
    return value.matches(".*[,\"\\n\\r].*") || value.startsWith(" ") || value.endsWith(" ")
        ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
