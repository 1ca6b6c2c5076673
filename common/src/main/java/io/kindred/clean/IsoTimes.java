package io.kindred.clean;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Fast paths for the ISO timestamps every record carries: parsing {@code 2025-11-22T16:14:28-08:00} (what
 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} parses) and printing an instant as
 * {@link DateTimeFormatter#ISO_INSTANT} does. Each gives exactly the formatter's result for the common shapes and
 * defers to the formatter for everything else, so behaviour does not depend on which path ran.
 */
final class IsoTimes {

  private IsoTimes() {
  }

  /**
   * The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM)}, or null for any other text (including an
   * invalid date or offset in that shape): the caller then parses with the formatter, which gives the verdict.
   */
  static Instant parseOffsetDateTime(String v) {
    int n = v.length();
    if (n < 20 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T' || v.charAt(13) != ':'
        || v.charAt(16) != ':') {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 2);
    int day = digits(v, 8, 2);
    int hour = digits(v, 11, 2);
    int minute = digits(v, 14, 2);
    int second = digits(v, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (v.charAt(i) == '.') {
      int start = ++i;
      while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
        i++;
      }
      int count = i - start;
      if (count < 1 || count > 9) {
        return null;
      }
      nanos = digits(v, start, count);
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == n - 1 && v.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == n - 6 && (v.charAt(i) == '+' || v.charAt(i) == '-') && v.charAt(i + 3) == ':') {
      int hours = digits(v, i + 1, 2);
      int minutes = digits(v, i + 4, 2);
      if ((hours | minutes) < 0 || hours > 18 || minutes > 59 || hours == 18 && minutes > 0) {
        return null;
      }
      offsetSeconds = (v.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else {
      return null;
    }
    try {
      LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
      return Instant.ofEpochSecond(local.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds)), nanos);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String v, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** {@code DateTimeFormatter.ISO_INSTANT.format(instant)}. */
  static String formatInstant(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 1000 || year > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
    StringBuilder out = new StringBuilder(30);
    out.append(year).append('-');
    two(out, t.getMonthValue()).append('-');
    two(out, t.getDayOfMonth()).append('T');
    two(out, t.getHour()).append(':');
    two(out, t.getMinute()).append(':');
    two(out, t.getSecond());
    int nanos = instant.getNano();
    if (nanos > 0) {
      // as ISO_INSTANT: the fraction in groups of three digits, as many as needed
      if (nanos % 1_000_000 == 0) {
        pad(out.append('.'), nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        pad(out.append('.'), nanos / 1000, 6);
      } else {
        pad(out.append('.'), nanos, 9);
      }
    }
    return out.append('Z').toString();
  }

  private static StringBuilder two(StringBuilder out, int value) {
    return pad(out, value, 2);
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String s = Integer.toString(value);
    for (int k = s.length(); k < width; k++) {
      out.append('0');
    }
    return out.append(s);
  }
}
