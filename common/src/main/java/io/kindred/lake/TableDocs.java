package io.kindred.lake;

import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;

/** Renders table definitions as the Markdown of README.md's "Tables" section; a test keeps the two in step. */
public final class TableDocs {

  private TableDocs() {
  }

  /** One table: a heading with its path, its description, partitioning, and a column list. */
  public static String markdown(TableDef table) {
    StringBuilder out = new StringBuilder();
    out.append("### `").append(table.relativePath()).append("`\n\n").append(table.description()).append('\n');
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

  /** Every table of {@link Tables#all()}, in order. */
  public static String markdownOfAll() {
    return Tables.all().stream().map(TableDocs::markdown).collect(Collectors.joining("\n"));
  }
}
