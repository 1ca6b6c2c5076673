package io.kindred.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md documents every table between the markers below, exactly as {@link TableDocs} renders
 * {@link Tables#all()}. When a table changes, regenerate the section with
 * {@code mvn -q -pl common test -Dtest=ReadmeTablesTest -Dkindred.readme.update=true}.
 */
class ReadmeTablesTest {

  static final String BEGIN = "<!-- tables:begin (generated from io.kindred.lake.Tables; see ReadmeTablesTest) -->\n";
  static final String END = "<!-- tables:end -->";

  @Test
  void readmeDocumentsEveryTableAsDefined() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String expected = TableDocs.markdownOfAll();
    if (Boolean.getBoolean("kindred.readme.update") && begin >= 0 && end > begin) {
      text = text.substring(0, begin + BEGIN.length()) + expected + text.substring(end);
      Files.writeString(readme, text);
      end = text.indexOf(END);
    }

    String actual = begin < 0 || end < begin ? "(markers missing)" : text.substring(begin + BEGIN.length(), end);

    assertEquals(expected, actual);
  }
}
