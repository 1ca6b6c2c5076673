package io.kindred.generate;

import java.time.LocalDate;

/** Formats the feeds' lines by hand (so that the generator can also break them on purpose). */
final class LineFormats {

  private LineFormats() {
  }

  /** {@code epochSecond} at {@code offsetSeconds} as ISO-8601 with the offset, e.g. 2026-03-04T13:22:05+01:00. */
  static String timestamp(long epochSecond, int offsetSeconds, String offset) {
    long local = epochSecond + offsetSeconds;
    long day = Math.floorDiv(local, 86_400L);
    int secOfDay = (int) Math.floorMod(local, 86_400L);
    StringBuilder b = new StringBuilder(25);
    b.append(LocalDate.ofEpochDay(day)).append('T');
    pad2(b, secOfDay / 3600).append(':');
    pad2(b, secOfDay / 60 % 60).append(':');
    pad2(b, secOfDay % 60);
    return b.append(offset).toString();
  }

  private static StringBuilder pad2(StringBuilder b, int v) {
    if (v < 10) {
      b.append('0');
    }
    return b.append(v);
  }

  /** A JSON string literal. */
  static void jsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** Appends {@code ,"key":"value"} (or without the comma when first). */
  static void jsonField(StringBuilder b, String key, String value, boolean first) {
    if (!first) {
      b.append(',');
    }
    jsonString(b, key);
    b.append(':');
    if (value == null) {
      b.append("null");
    } else {
      jsonString(b, value);
    }
  }

  /** Appends {@code ,"key":number}. */
  static void jsonNumber(StringBuilder b, String key, String number) {
    b.append(',');
    jsonString(b, key);
    b.append(':').append(number);
  }
}
