package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.allBut;
import static io.kindred.jobs.clean.CleanHarness.rows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.ops.RunMetrics;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clean-customers: normalisation, history (SCD type 2) across days and late versions, as-of reconstruction. */
class CleanCustomersJobTest {

  static final String HEADER = "customer_id,email,phone,country,signup_date,marketing_consent,consent_updated_at,"
      + "updated_at";
  static final String BEN = "C00000002,ben@example.com,07700 900123,GB,2026-03-01,false,2026-03-01T10:00:00Z,"
      + "2026-03-01T10:00:00Z";
  static final String[] DAY1 = {
      HEADER,
      "C00000001, Anna.Smith@Example.COM ,(415) 555-0100,US,2026-03-01,true,2026-03-01T09:00:00-08:00,"
          + "2026-03-01T09:00:00-08:00",
      BEN,
      "C00000003,chloe@example.com,12,FR,2026-03-01,true,2026-03-01T11:00:00+01:00,2026-03-01T11:00:00+01:00",
      ",dan@example.com,06 12 34 56 78,FR,2026-03-01,true,2026-03-01T11:00:00Z,2026-03-01T11:00:00Z",
      "C00000005;eve@example.com",
      BEN,
      "C00000007,kenji@example.jp,090-1234-5678,JP,2026-03-01,true,2026-03-01T12:00:00+09:00,"
          + "2026-03-01T12:00:00+09:00",
  };
  static final String[] DAY2 = {
      HEADER,
      "C00000001,anna@new.example,+1 415 555 0100,US,2026-03-01,false,2026-03-02T08:00:00Z,2026-03-02T08:00:00Z",
      "C00000002,ben@other.example,07700 900123,GB,2026-03-01,false,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z",
      "C00000001,anna@old.example,(415) 555-0100,US,2026-02-28,true,2026-02-28T12:00:00Z,2026-02-28T12:00:00Z",
      "C00000008,max@example.de,0151 23456789,DE,2026-03-02,true,2026-03-02T09:00:00+01:00,"
          + "2026-03-02T25:00:00+01:00",
      "C00000009,zoe@example.com,,US,2026-03-02,,,2026-03-02T09:00:00Z",
      // a consent withdrawal whose consent timestamp has no offset: the withdrawal is kept, the timestamp nulled
      "C00000007,kenji@example.jp,090-1234-5678,JP,2026-03-01,false,2026-03-02T07:00:00,2026-03-02T07:00:00Z",
  };

  static final String[] COLUMNS = {CustomerColumns.CUSTOMER_ID, CustomerColumns.EMAIL, CustomerColumns.PHONE,
      CustomerColumns.COUNTRY, CustomerColumns.SIGNUP_DATE, CustomerColumns.MARKETING_CONSENT,
      CustomerColumns.CONSENT_UPDATED_AT, CustomerColumns.UPDATED_AT, CustomerColumns.VALID_FROM,
      CustomerColumns.VALID_TO, CustomerColumns.IS_CURRENT, LineageColumns.INGEST_DAY};

  @TempDir
  Path dir;

  @Test
  void customersAreNormalisedAndTheirHistoryKept() throws Exception {
    CleanHarness h = new CleanHarness(dir);
    h.write("customers/2026-03-01/customers-2026-03-01-00000.csv", DAY1);
    h.write("customers/2026-03-02/customers-2026-03-02-00000.csv", DAY2);
    LocalDate day1 = LocalDate.of(2026, 3, 1);
    LocalDate day2 = LocalDate.of(2026, 3, 2);

    RunMetrics first = h.clean(Feed.CUSTOMERS, "generator-customers", h.raw("customers"), day1, day1);

    assertEquals(7, first.rowsIn());
    assertEquals(4, first.rowsWritten());
    assertEquals(1, first.duplicatesDropped());
    assertEquals(Map.of("malformed_record", 1L, "missing_customer_id", 1L), first.quarantinedByReason());
    assertEquals("1", first.details().get("phones_unparsable"));

    RunMetrics second = h.clean(Feed.CUSTOMERS, "generator-customers", h.raw("customers"), day2, day2);

    assertEquals(6, second.rowsIn());
    assertEquals(4, second.rowsWritten());
    assertEquals(0, second.duplicatesDropped());
    assertEquals(Map.of("bad_timestamp", 1L, "conflicting_duplicate", 1L), second.quarantinedByReason());
    assertEquals("1", second.details().get("bad_optional_field"));
    List<String> history = List.of(
        "C00000001|anna.smith@example.com|+14155550100|US|2026-03-01|true|2026-03-01T17:00:00Z|2026-03-01T17:00:00Z"
            + "|2026-03-01T17:00:00Z|2026-03-02T08:00:00Z|false|2026-03-01",
        "C00000001|anna@new.example|+14155550100|US|2026-03-01|false|2026-03-02T08:00:00Z|2026-03-02T08:00:00Z"
            + "|2026-03-02T08:00:00Z|null|true|2026-03-02",
        "C00000001|anna@old.example|+14155550100|US|2026-02-28|true|2026-02-28T12:00:00Z|2026-02-28T12:00:00Z"
            + "|2026-02-28T12:00:00Z|2026-03-01T17:00:00Z|false|2026-03-02",
        "C00000002|ben@example.com|+447700900123|GB|2026-03-01|false|2026-03-01T10:00:00Z|2026-03-01T10:00:00Z"
            + "|2026-03-01T10:00:00Z|null|true|2026-03-01",
        "C00000003|chloe@example.com|null|FR|2026-03-01|true|2026-03-01T10:00:00Z|2026-03-01T10:00:00Z"
            + "|2026-03-01T10:00:00Z|null|true|2026-03-01",
        "C00000007|kenji@example.jp|+819012345678|JP|2026-03-01|false|null|2026-03-02T07:00:00Z"
            + "|2026-03-02T07:00:00Z|null|true|2026-03-02",
        "C00000007|kenji@example.jp|+819012345678|JP|2026-03-01|true|2026-03-01T03:00:00Z|2026-03-01T03:00:00Z"
            + "|2026-03-01T03:00:00Z|2026-03-02T07:00:00Z|false|2026-03-01",
        "C00000009|zoe@example.com|null|US|2026-03-02|null|null|2026-03-02T09:00:00Z"
            + "|2026-03-02T09:00:00Z|null|true|2026-03-02");
    assertEquals(history, rows(h.table(Tables.SILVER_CUSTOMERS), COLUMNS));
    assertEquals(List.of(
            "bad_timestamp|C00000008|" + DAY2[4],
            "conflicting_duplicate|C00000002|" + DAY2[2],
            "malformed_record|null|" + DAY1[5],
            "missing_customer_id|null|" + DAY1[4]),
        rows(h.table(Tables.QUARANTINE_CUSTOMERS), QuarantineColumns.REASON, QuarantineColumns.RECORD_ID,
            QuarantineColumns.RAW));

    // The customers as of 2026-03-01T20:00Z, reconstructed from the history.
    Timestamp asOf = Timestamp.from(Instant.parse("2026-03-01T20:00:00Z"));
    assertEquals(List.of("C00000001|anna.smith@example.com|true", "C00000002|ben@example.com|false",
            "C00000003|chloe@example.com|true", "C00000007|kenji@example.jp|true"),
        rows(h.table(Tables.SILVER_CUSTOMERS).filter(col(CustomerColumns.VALID_FROM).leq(lit(asOf))
                .and(col(CustomerColumns.VALID_TO).isNull().or(col(CustomerColumns.VALID_TO).gt(lit(asOf))))),
            CustomerColumns.CUSTOMER_ID, CustomerColumns.EMAIL, CustomerColumns.MARKETING_CONSENT));

    // A rerun of day 2 leaves the history as it was.
    List<String> before = rows(h.table(Tables.SILVER_CUSTOMERS), allBut(Tables.SILVER_CUSTOMERS, "run_id"));
    h.clean(Feed.CUSTOMERS, "generator-customers", h.raw("customers"), day2, day2);
    assertEquals(before, rows(h.table(Tables.SILVER_CUSTOMERS), allBut(Tables.SILVER_CUSTOMERS, "run_id")));
    assertEquals(4, h.table(Tables.QUARANTINE_CUSTOMERS).count());
  }
}
