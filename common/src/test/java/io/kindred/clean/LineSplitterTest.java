package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

  @Test
  void csvSplitsOnTheDelimiterAndHonoursQuotes() throws Exception {
    assertEquals(List.of("a", "", "c", ""), LineSplitter.csv("a,,c,", ','));
    assertEquals(List.of("rock, pop", "say \"hi\"", "x"), LineSplitter.csv("\"rock, pop\",\"say \"\"hi\"\"\",x", ','));
    assertEquals(List.of("a", "b;c"), LineSplitter.csv("a;\"b;c\"", ';'));
    assertEquals(List.of(""), LineSplitter.csv("", ','));
  }

  @Test
  void brokenQuotingIsMalformed() {
    assertEquals("unterminated quoted field 2",
        assertThrows(LineSplitter.MalformedLineException.class, () -> LineSplitter.csv("a,\"b,c", ',')).getMessage());
    assertEquals("characters after the closing quote of field 1",
        assertThrows(LineSplitter.MalformedLineException.class, () -> LineSplitter.csv("\"a\"b,c", ',')).getMessage());
    assertEquals("a quote inside unquoted field 1",
        assertThrows(LineSplitter.MalformedLineException.class, () -> LineSplitter.csv("a\"b,c", ',')).getMessage());
  }

  @Test
  void whitespaceSplitsOnRuns() {
    assertEquals(List.of("00001", "19970101", "1", "11.77"), LineSplitter.whitespace(" 00001 19970101  1   11.77"));
    assertEquals(List.of(), LineSplitter.whitespace("   "));
  }
}
