package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast ISO paths agree with java.time's formatters, value for value. */
class IsoTimesTest {

  @Test
  void formatsEveryInstantAsIsoInstantDoes() {
    Random random = new Random(7);
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    int[] nanos = {0, 1, 999_999_999, 500_000_000, 123_000_000, 123_456_000, 123_456_789, 1_000, 1_000_000};
    for (int k = 0; k < 200_000; k++) {
      long second = min + (long) (random.nextDouble() * (max - min));
      int nano = k % 2 == 0 ? nanos[k / 2 % nanos.length] : random.nextInt(1_000_000_000);
      Instant instant = Instant.ofEpochSecond(second, nano);
      assertEquals(DateTimeFormatter.ISO_INSTANT.format(instant), IsoTimes.formatInstant(instant), instant::toString);
    }
    Instant far = Instant.parse("+12345-01-01T00:00:00Z");
    assertEquals("+12345-01-01T00:00:00Z", IsoTimes.formatInstant(far));
  }

  @Test
  void parsesWhatIsoOffsetDateTimeParsesToTheSameInstant() {
    Random random = new Random(11);
    String[] offsets = {"Z", "+00:00", "-00:00", "+09:00", "-08:00", "+05:30", "+18:00", "-18:00", "+14:45"};
    for (int k = 0; k < 100_000; k++) {
      OffsetDateTime t = OffsetDateTime.ofInstant(Instant.ofEpochSecond(random.nextInt(2_000_000_000)),
          ZoneOffset.UTC);
      String fraction = switch (k % 4) {
        case 0 -> "";
        case 1 -> "." + random.nextInt(10);
        case 2 -> String.format(".%06d", random.nextInt(1_000_000));
        default -> String.format(".%09d", random.nextInt(1_000_000_000));
      };
      String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", t.getYear(), t.getMonthValue(),
          t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), fraction, offsets[k % offsets.length]);
      assertEquals(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(),
          IsoTimes.parseOffsetDateTime(text), text);
    }
  }

  @Test
  void leavesEveryOtherShapeToTheFormatter() {
    // valid ISO in shapes the fast path does not take: the formatter parses them
    String[] otherShapes = {"2025-01-01t10:00:00Z", "2025-01-01T10:00:00z", "2025-01-01T10:00Z",
        "2025-01-01T10:00:00.Z", "2025-01-01T10:00:00+01:00:30", "2025-01-01T10:00:00+01"};
    for (String text : otherShapes) {
      assertNull(IsoTimes.parseOffsetDateTime(text), text);
      OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
    // invalid, in the fast shape or not: null, and the formatter rejects them (the record is quarantined)
    String[] invalid = {"2025-02-29T10:00:00Z", "2025-13-01T10:00:00Z", "2025-01-01T24:00:00Z",
        "2025-01-01T10:60:00Z", "2025-01-01T10:00:60Z", "2025-01-01T10:00:00+19:00", "2025-01-01T10:00:00+18:01",
        "2025-01-01T10:00:00", "2025-01-01 10:00:00Z", "2025-01-01T10:00:00.1234567890Z",
        "2025-01-01T10:00:00+0100", "+2025-01-01T10:00Z", "2025-1-01T10:00:00Z", "\uff12\uff10\uff12\uff15-01-01T10:00:00Z",
        "2025-01-01T10:00:00+01:00 ", ""};
    for (String text : invalid) {
      assertNull(IsoTimes.parseOffsetDateTime(text), text);
      assertThrows(DateTimeParseException.class,
          () -> OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME), text);
    }
  }
}
