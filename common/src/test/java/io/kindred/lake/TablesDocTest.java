package io.kindred.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/tables.md is exactly what {@link TableDocs} renders of {@link Tables#all()}: run docs/tables.sh after a change.
 */
class TablesDocTest {

  @Test
  void theTablesPageDocumentsEveryTableAsDefined() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "tables.md"));

    assertEquals(TableDocs.page(), page, "docs/tables.md is out of date: run docs/tables.sh");
  }
}
