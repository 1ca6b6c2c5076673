package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One clean-transactions run over a delivery day holding one CSV file with many kinds of broken lines and a
 * gzip-compressed CSV whose optional category column was renamed: every record is written, quarantined with its
 * reason at its line of the file, or dropped as a duplicate (rows in = written + quarantined + duplicates); a
 * repeated header is skipped and counted, a quoted field with a line break is one record, a pre-epoch purchase
 * parses and meets the FX rule (no rate for 1969). Then a day whose CSV is
 * in fact gzip data fails up front naming the file. The parser's reasons one by one are in {@code BadInputTest}.
 */
class BadInputCleaningTest {

  static final LocalDate DAY = LocalDate.of(2026, 3, 1);
  static final String HEADER = "transaction_id,customer_id,timestamp,amount,currency,quantity,product_id,category,"
      + "channel,original_transaction_id";

  static String line(String id, String customer, String ts, String amount, String currency, String quantity,
      String category) {
    return String.join(",", id, customer, ts, amount, currency, quantity, "P1", category, "web", "");
  }

  static String ok(String id, String amount, String category) {
    return line(id, "C1", "2026-03-01T10:00:00Z", amount, "USD", "1", category);
  }

  @TempDir
  Path dir;

  @Test
  void everyBrokenLineIsAccountedForWithItsReasonAndLine() throws Exception {
    CleanHarness h = new CleanHarness(dir);
    h.write("fx_rates/2026-03-01/fx.csv", "date,currency,rate_to_usd", "2026-03-01,USD,1");
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    // physical line numbers on the right
    String[] before = {
        HEADER,                                                      // 1
        ok("T01", "20.00", "music"),                                 // 2 written
        ok("T02", "1234567890123456789012345678901234567890", "m"),  // 3 bad_number
        ok("T03", "1e300", "m"),                                     // 4 bad_number
        ok("T04", "20.12345678901", "m"),                            // 5 bad_number
        ok("T05", "NaN", "m"),                                       // 6 bad_number
        HEADER,                                                      // 7 skipped, counted
        ok("T06", "5.00", "\"rock\nroll\""),                         // 8-9 written, one record
        ok("T07", "5.00", "mu\u0007sic"),                            // 10 control_character
    };
    a.write((String.join("\n", before) + "\n").getBytes(StandardCharsets.UTF_8));
    a.write((ok("T08", "5.00", "caf\u00e9") + "\n").getBytes(StandardCharsets.ISO_8859_1)); // 11 bad_encoding
    String[] after = {
        ok("T09", "5.00", "x".repeat(5000)),                         // 12 field_too_long
        line("T10", "C1", "2026-03-01T10:00:00Z", "5.00", "XXX", "1", "m"), // 13 unknown_currency
        ok("T01", "20.00", "music"),                                 // 14 exact_duplicate
        "",                                                          // 15 malformed_record
        ok("T11", "5.00", "m").replace(',', ';'),                    // 16 malformed_record
        line("T14", "  ", "2026-03-01T10:00:00Z", "5.00", "USD", "1", "m"), // 17 missing_customer_id
        line("T15", "C1", "9999-12-31T23:59:59Z", "5.00", "USD", "1", "m"), // 18 future_timestamp
        line("T16", "C2", "1969-12-31T23:59:59Z", "7.00", "USD", "1", "m"), // 19 missing_fx_rate
        ok("T17", "-0.00", "m"),                                     // 20 non_positive_amount
        line("T18", "C1", "2026-03-01T10:00:00Z", "5.00", "USD", "99999999999", "m"), // 21 bad_number
        "\uFEFF" + ok("T19", "5.00", "m"),                           // 22 control_character
        ok("T22", "5.00", "5\"inch"),                                // 23 malformed_record (a stray quote opens
                                                                     //    no field: not joined with line 24)
        ok("T20", "5.00", "\"rock"),                                 // 24 malformed_record (quote never closed)
    };
    a.write((String.join("\n", after) + "\n").getBytes(StandardCharsets.UTF_8));
    a.write("T21,C1,2026-03-01T1".getBytes(StandardCharsets.UTF_8)); // 25 malformed_record, no line end
    Path folder = h.raw("transactions").resolve("2026-03-01");
    Files.createDirectories(folder);
    Files.write(folder.resolve("a.csv"), a.toByteArray());
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(folder.resolve("b.csv.gz")))) {
      gz.write(String.join("\n", HEADER.replace("category", "product_category"), ok("T30", "3.00", "toys"),
          ok("T31", "4.00", "toys"), "").getBytes(StandardCharsets.UTF_8));
    }

    RunMetrics m = h.clean(Feed.TRANSACTIONS, "generator-transactions", h.raw("transactions"), DAY, DAY);

    // by hand: a.csv has 24 lines after its header, less the repeated header, less the second line of T06: 22
    // records; b.csv.gz 2
    assertEquals(24, m.rowsIn());
    assertEquals(4, m.rowsWritten());
    assertEquals(1, m.duplicatesDropped());
    assertEquals(Map.of("bad_number", 5L, "control_character", 2L, "bad_encoding", 1L, "field_too_long", 1L,
        "unknown_currency", 1L, "malformed_record", 5L, "missing_customer_id", 1L, "future_timestamp", 1L,
        "non_positive_amount", 1L, "missing_fx_rate", 1L), m.quarantinedByReason());
    assertEquals(m.rowsIn(), m.rowsWritten() + m.rowsQuarantined() + m.duplicatesDropped());
    assertEquals("1", m.details().get("repeated_headers_skipped"));
    assertEquals("category", m.details().get("optional_columns_missing"));

    assertEquals(List.of(
        "T01|music|20.00|2026-03-01T10:00:00Z",
        "T06|rock\nroll|5.00|2026-03-01T10:00:00Z",
        "T30|null|3.00|2026-03-01T10:00:00Z",
        "T31|null|4.00|2026-03-01T10:00:00Z"),
        rows(h.table(Tables.SILVER_TRANSACTIONS), TransactionColumns.TRANSACTION_ID, TransactionColumns.CATEGORY,
            TransactionColumns.AMOUNT, TransactionColumns.TRANSACTION_TS));
    String file = "a.csv";
    assertEquals(List.of(
        "bad_encoding|11|null|" + file,
        "bad_number|21|T18|" + file,
        "bad_number|3|T02|" + file,
        "bad_number|4|T03|" + file,
        "bad_number|5|T04|" + file,
        "bad_number|6|T05|" + file,
        "control_character|10|T07|" + file,
        "control_character|22|\uFEFFT19|" + file,
        "field_too_long|12|T09|" + file,
        "future_timestamp|18|T15|" + file,
        "malformed_record|15|null|" + file,
        "malformed_record|16|null|" + file,
        "malformed_record|23|null|" + file,
        "malformed_record|24|null|" + file,
        "malformed_record|25|null|" + file,
        "missing_customer_id|17|T14|" + file,
        "missing_fx_rate|19|T16|" + file,
        "non_positive_amount|20|T17|" + file,
        "unknown_currency|13|T10|" + file),
        rows(h.table(Tables.QUARANTINE_TRANSACTIONS).selectExpr(QuarantineColumns.REASON, QuarantineColumns.LINE,
            QuarantineColumns.RECORD_ID, "regexp_extract(" + QuarantineColumns.FILE + ", '[^/]+$', 0) AS f"),
            QuarantineColumns.REASON, QuarantineColumns.LINE, QuarantineColumns.RECORD_ID, "f"));

    // a delivery whose CSV is gzip data under a plain name: named, before anything is read
    Path day2 = h.raw("transactions").resolve("2026-03-02");
    Files.createDirectories(day2);
    Path bad = day2.resolve("c.csv");
    Files.copy(folder.resolve("b.csv.gz"), bad);
    h.write("fx_rates/2026-03-02/fx.csv", "date,currency,rate_to_usd", "2026-03-02,USD,1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.clean(Feed.TRANSACTIONS,
        "generator-transactions", h.raw("transactions"), DAY.plusDays(1), DAY.plusDays(1)));
    assertEquals("File file:" + bad + " holds gzip-compressed data, not csv text; name it c.csv.gz to have it "
        + "read, or remove it from the delivery folder", e.getMessage());
  }
}
