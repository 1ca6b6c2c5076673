package io.kindred.lake;

import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;

/**
 * Renders table definitions as Markdown: {@code docs/tables.md} is {@link #page()}, written by {@link #main}
 * ({@code docs/tables.sh} runs it); a test keeps the file in step with {@link Tables}.
 */
public final class TableDocs {

  private TableDocs() {
  }

  /** One table: a heading with its path, its description, partitioning, and a column list. */
  public static String markdown(TableDef table) {
    StringBuilder out = new StringBuilder();
    out.append("## `").append(table.relativePath()).append("`\n\n").append(table.description()).append('\n');
    if (!table.partitionColumns().isEmpty()) {
      out.append("Partitioned by ").append(table.partitionColumns().stream().map(c -> "`" + c + "`")
          .collect(Collectors.joining(", "))).append(".\n");
    }
    out.append("\n| column | type | nullable |\n| --- | --- | --- |\n");
    for (StructField field : table.schema().fields()) {
      out.append("| `").append(field.name()).append("` | ").append(field.dataType().simpleString())
          .append(" | ").append(field.nullable() ? "yes" : "no").append(" |\n");
    }
    return out.toString();
  }

  /** The whole page: a title, where it comes from, every table. */
  public static String page() {
    return "# Tables\n\nEvery table Kindred writes, in nightly order: its path under the lakehouse, what it holds, its "
        + "partitioning and columns.\nGenerated from the definitions in `common` (`io.kindred.lake.Tables`) by "
        + "`docs/tables.sh`; do not edit by hand.\n\n" + markdownOfAll();
  }

  /** Writes {@link #page()} to the file {@code args[0]}. */
  public static void main(String[] args) throws java.io.IOException {
    if (args.length != 1) {
      System.err.println("Usage: TableDocs <file to write, e.g. docs/tables.md>");
      System.exit(2);
    }
    java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), page());
    System.out.println("wrote " + args[0] + " (" + Tables.all().size() + " tables)");
  }

  /** Every table of {@link Tables#all()}, in order. */
  public static String markdownOfAll() {
    return Tables.all().stream().map(TableDocs::markdown).collect(Collectors.joining("\n"));
  }
}
