package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.allBut;
import static io.kindred.jobs.clean.CleanHarness.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * clean-transactions on hand-written files that follow the generator's contract (docs/sources.md): every
 * rule, FX conversion by UTC date, duplicates within and across days, reruns, late files, errors.
 */
class CleanTransactionsJobTest {

  static final LocalDate DAY1 = LocalDate.of(2026, 3, 1);
  static final LocalDate DAY2 = LocalDate.of(2026, 3, 2);
  static final String SOURCE = "generator-transactions";
  static final String HEADER = "transaction_id,customer_id,timestamp,amount,currency,quantity,product_id,category,"
      + "channel,original_transaction_id";

  static final String T1 = "T000000000001,C00000001,2026-03-01T10:00:00+01:00,20.00,EUR,2,P00001,music,web,";
  static final String[] DAY1_LINES = {
      HEADER,
      T1,
      "T000000000003,C00000001,2026-03-01T12:00:00Z,-10.00,EUR,-1,P00001,music,web,T000000000001",
      "T000000000004,C00000003,2026-03-01 12:00:00,5.00,USD,1,P00003,games,web,",
      "T000000000005,C00000003,2026-03-01T12:00:00,5.00,USD,1,P00003,games,web,",
      "T000000000006,,2026-03-01T12:00:00Z,5.00,USD,1,P00003,games,web,",
      "T000000000007,C00000003,2026-03-05T12:00:00Z,5.00,USD,1,P00003,games,web,",
      "T000000000008,C00000003,2026-03-01T12:00:00Z,0.00,USD,1,P00003,games,web,",
      "T000000000009,C00000003,2026-03-01T12:00:00Z,5.00,US$,1,P00003,games,web,",
      "T000000000010;C00000003;2026-03-01T12:00:00Z;5.00;USD;1;P00003;games;web;",
      "T000000000011,C00000003,2026-03-01T12:00:00Z,abc,USD,1,P00003,games,web,",
      T1,
      "T000000000013,C00000004,2026-03-01T08:00:00Z,7.5,USD,1,P00004,\"rock, pop\",web,",
  };
  static final String T1_CONFLICT = "{\"transaction_id\":\"T000000000001\",\"customer_id\":\"C00000001\","
      + "\"timestamp\":\"2026-03-01T10:05:00+01:00\",\"amount\":25.00,\"currency\":\"EUR\",\"quantity\":2,"
      + "\"product_id\":\"P00001\",\"category\":\"music\",\"channel\":\"web\"}";
  static final String[] DAY2_LINES = {
      "{\"transaction_id\":\"T000000000020\",\"customer_id\":\"C00000005\",\"timestamp\":\"2026-03-01T15:00:00Z\","
          + "\"amount\":12.5,\"currency\":\"USD\",\"quantity\":1,\"product_id\":\"P00005\",\"category\":\"games\","
          + "\"channel\":\"app\"}",
      T1_CONFLICT,
      "{\"transaction_id\":\"T000000000001\",\"customer_id\":\"C00000001\",\"timestamp\":\"2026-03-01T09:00:00Z\","
          + "\"amount\":20,\"currency\":\"EUR\",\"quantity\":2,\"product_id\":\"P00001\",\"category\":\"music\","
          + "\"channel\":\"web\"}",
      "{\"transaction_id\":\"T000000000021\",\"customer_id\":\"C00000002\",\"timestamp\":\"2026-03-01T23:30:00-05:00\","
          + "\"amount\":10,\"currency\":\"EUR\",\"quantity\":1,\"product_id\":\"P00002\",\"category\":\"books\","
          + "\"channel\":\"store\"}",
      "{\"transaction_id\":\"T000000000022\",\"customer_id\":\"C00000002\",\"timestamp\":\"2026-03-02T10:00:00Z\","
          + "\"amount\":1000,\"currency\":\"JPY\",\"quantity\":1}",
      "{\"transaction_id\":\"T000000000023\",\"timestamp\":\"2026-03-02T10:00:00Z\",\"amount\":5,\"currency\":\"USD\","
          + "\"quantity\":1}",
      "{\"transaction_id\":\"T000000000024\",\"customer_id\"",
  };

  static final String[] SILVER_COLUMNS = {TransactionColumns.TRANSACTION_ID, TransactionColumns.CUSTOMER_ID,
      TransactionColumns.TRANSACTION_TS, TransactionColumns.TRANSACTION_DATE, TransactionColumns.AMOUNT,
      TransactionColumns.ORIGINAL_AMOUNT, TransactionColumns.ORIGINAL_CURRENCY, TransactionColumns.FX_RATE,
      TransactionColumns.QUANTITY, TransactionColumns.PRODUCT_ID, TransactionColumns.CATEGORY,
      TransactionColumns.CHANNEL, TransactionColumns.IS_RETURN, TransactionColumns.RETURNED_TRANSACTION_ID,
      LineageColumns.SOURCE, LineageColumns.INGEST_DAY};
  static final List<String> SILVER_DAY1 = List.of(
      "T000000000001|C00000001|2026-03-01T09:00:00Z|2026-03-01|22.00|20.0000|EUR|1.10000000|2|P00001|music|web|false"
          + "|null|generator-transactions|2026-03-01",
      "T000000000003|C00000001|2026-03-01T12:00:00Z|2026-03-01|-11.00|-10.0000|EUR|1.10000000|-1|P00001|music|web"
          + "|true|T000000000001|generator-transactions|2026-03-01",
      "T000000000013|C00000004|2026-03-01T08:00:00Z|2026-03-01|7.50|7.5000|USD|1.00000000|1|P00004|rock, pop|web"
          + "|false|null|generator-transactions|2026-03-01");
  static final List<String> SILVER_DAY2 = List.of(
      "T000000000020|C00000005|2026-03-01T15:00:00Z|2026-03-01|12.50|12.5000|USD|1.00000000|1|P00005|games|app"
          + "|false|null|generator-transactions|2026-03-02",
      "T000000000021|C00000002|2026-03-02T04:30:00Z|2026-03-02|12.00|10.0000|EUR|1.20000000|1|P00002|books|store"
          + "|false|null|generator-transactions|2026-03-02");

  static final String[] QUARANTINE_COLUMNS = {QuarantineColumns.REASON, QuarantineColumns.INGEST_DAY,
      QuarantineColumns.LINE, QuarantineColumns.RECORD_ID, QuarantineColumns.SOURCE, QuarantineColumns.RAW};
  static final List<String> QUARANTINE_DAY1 = List.of(
      "bad_number|2026-03-01|11|T000000000011|generator-transactions|" + DAY1_LINES[10],
      "bad_timestamp|2026-03-01|4|T000000000004|generator-transactions|" + DAY1_LINES[3],
      "bad_timestamp|2026-03-01|5|T000000000005|generator-transactions|" + DAY1_LINES[4],
      "future_timestamp|2026-03-01|7|T000000000007|generator-transactions|" + DAY1_LINES[6],
      "malformed_record|2026-03-01|10|null|generator-transactions|" + DAY1_LINES[9],
      "missing_customer_id|2026-03-01|6|T000000000006|generator-transactions|" + DAY1_LINES[5],
      "non_positive_amount|2026-03-01|8|T000000000008|generator-transactions|" + DAY1_LINES[7],
      "unknown_currency|2026-03-01|9|T000000000009|generator-transactions|" + DAY1_LINES[8]);
  static final List<String> QUARANTINE_DAY2 = List.of(
      "conflicting_duplicate|2026-03-02|2|T000000000001|generator-transactions|" + DAY2_LINES[1],
      "malformed_record|2026-03-02|7|null|generator-transactions|" + DAY2_LINES[6],
      "missing_customer_id|2026-03-02|6|T000000000023|generator-transactions|" + DAY2_LINES[5],
      "missing_fx_rate|2026-03-02|5|T000000000022|generator-transactions|" + DAY2_LINES[4]);

  @TempDir
  Path dir;
  CleanHarness h;

  @BeforeEach
  void writeFeeds() throws Exception {
    h = new CleanHarness(dir);
    h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv", DAY1_LINES);
    h.write("transactions/2026-03-02/transactions-2026-03-02-00000.jsonl", DAY2_LINES);
    h.write("fx_rates/2026-03-01/fx_rates-2026-03-01-00000.csv", "date,currency,rate_to_usd",
        "2026-03-01,USD,1", "2026-03-01,EUR,1.10", "2026-03-01,JPY,0.0067");
    h.write("fx_rates/2026-03-02/fx_rates-2026-03-02-00000.csv", "date,currency,rate_to_usd",
        "2026-03-02,USD,1", "2026-03-02,EUR,1.20");
  }

  private RunMetrics clean(LocalDate from, LocalDate to) throws Exception {
    return h.clean(Feed.TRANSACTIONS, SOURCE, h.raw("transactions"), from, to);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    out.sort(null);
    return out;
  }

  private void assertTablesHoldBothDays() {
    assertEquals(concat(SILVER_DAY1, SILVER_DAY2), rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(concat(QUARANTINE_DAY1, QUARANTINE_DAY2),
        rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));
  }

  private static void assertCounts(Row metrics, long in, long written, long duplicates, Map<String, Long> reasons) {
    assertEquals(in, metrics.getLong(metrics.fieldIndex(RunMetricsColumns.ROWS_IN)));
    assertEquals(written, metrics.getLong(metrics.fieldIndex(RunMetricsColumns.ROWS_WRITTEN)));
    assertEquals(duplicates, metrics.getLong(metrics.fieldIndex(RunMetricsColumns.DUPLICATES_DROPPED)));
    assertEquals(reasons, CollectionConverters.asJava(
        metrics.<scala.collection.Map<String, Long>>getAs(RunMetricsColumns.QUARANTINED_BY_REASON)));
    long quarantined = metrics.getLong(metrics.fieldIndex(RunMetricsColumns.ROWS_QUARANTINED));
    assertEquals(reasons.values().stream().mapToLong(Long::longValue).sum(), quarantined);
    assertEquals(in, written + quarantined + duplicates, "rows in = written + quarantined + duplicates");
  }

  static final Map<String, Long> DAY1_REASONS = Map.of("bad_number", 1L, "bad_timestamp", 2L,
      "future_timestamp", 1L, "malformed_record", 1L, "missing_customer_id", 1L, "non_positive_amount", 1L,
      "unknown_currency", 1L);
  static final Map<String, Long> DAY2_REASONS = Map.of("conflicting_duplicate", 1L, "malformed_record", 1L,
      "missing_customer_id", 1L, "missing_fx_rate", 1L);

  @Test
  void dayByDayRunsCleanQuarantineAndAccountForEveryRow() throws Exception {
    clean(DAY1, DAY1);
    assertEquals(SILVER_DAY1, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(QUARANTINE_DAY1, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));

    clean(DAY2, DAY2);

    assertTablesHoldBothDays();
    List<Row> metrics = h.metrics("clean-transactions");
    assertEquals(2, metrics.size());
    assertCounts(metrics.get(0), 12, 3, 1, DAY1_REASONS);
    assertCounts(metrics.get(1), 7, 2, 1, DAY2_REASONS);
    assertEquals(List.of("2026-03-01|EUR|1.10000000", "2026-03-01|JPY|0.00670000", "2026-03-01|USD|1.00000000",
        "2026-03-02|EUR|1.20000000", "2026-03-02|USD|1.00000000"),
        rows(h.table(Tables.SILVER_FX_RATES), "date", "currency", "rate_to_usd"));
    assertEquals("succeeded", metrics.get(1).getAs(RunMetricsColumns.STATUS));

    // Reruns of the same days leave every table as after one run (only run ids change).
    List<String> silver = rows(h.table(Tables.SILVER_TRANSACTIONS), allBut(Tables.SILVER_TRANSACTIONS, "run_id"));
    List<String> quarantine = rows(h.table(Tables.QUARANTINE_TRANSACTIONS),
        allBut(Tables.QUARANTINE_TRANSACTIONS, "run_id"));
    List<String> fx = rows(h.table(Tables.SILVER_FX_RATES), allBut(Tables.SILVER_FX_RATES, "run_id"));
    RunMetrics again2 = clean(DAY2, DAY2);
    RunMetrics again1 = clean(DAY1, DAY1);
    assertEquals(silver, rows(h.table(Tables.SILVER_TRANSACTIONS), allBut(Tables.SILVER_TRANSACTIONS, "run_id")));
    assertEquals(quarantine, rows(h.table(Tables.QUARANTINE_TRANSACTIONS),
        allBut(Tables.QUARANTINE_TRANSACTIONS, "run_id")));
    assertEquals(fx, rows(h.table(Tables.SILVER_FX_RATES), allBut(Tables.SILVER_FX_RATES, "run_id")));
    assertEquals(DAY2_REASONS, again2.quarantinedByReason());
    assertEquals(2, again2.rowsWritten());
    assertEquals(DAY1_REASONS, again1.quarantinedByReason());
    assertEquals(3, again1.rowsWritten());

    // A late file lands in day 1's folder: rerunning day 1 merges it without double counting.
    String t30 = "T000000000030,C00000006,2026-03-01T20:00:00Z,3.00,USD,1,P00006,games,web,";
    h.write("transactions/2026-03-01/transactions-2026-03-01-00001.csv", HEADER, t30, T1,
        "T000000000020,C00000005,2026-03-01T15:00:00Z,12.50,USD,1,P00005,games,app,");

    RunMetrics late = clean(DAY1, DAY1);

    List<String> expected = new ArrayList<>(concat(SILVER_DAY1, SILVER_DAY2));
    expected.add("T000000000030|C00000006|2026-03-01T20:00:00Z|2026-03-01|3.00|3.0000|USD|1.00000000|1|P00006|games"
        + "|web|false|null|generator-transactions|2026-03-01");
    expected.sort(null);
    assertEquals(expected, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    // the late file's copy of T1 repeats the day's own T1; its copy of T20 repeats what day 2 already delivered
    assertEquals(15, late.rowsIn());
    assertEquals(4, late.rowsWritten());
    assertEquals(3, late.duplicatesDropped());
    assertEquals(DAY1_REASONS, late.quarantinedByReason());
  }

  @Test
  void oneRunOverARangeEqualsOneRunPerDay() throws Exception {
    RunMetrics metrics = clean(DAY1, DAY2);

    assertTablesHoldBothDays();
    assertEquals(19, metrics.rowsIn());
    assertEquals(5, metrics.rowsWritten());
    assertEquals(2, metrics.duplicatesDropped());
    Map<String, Long> reasons = new java.util.TreeMap<>(DAY1_REASONS);
    DAY2_REASONS.forEach((k, v) -> reasons.merge(k, v, Long::sum));
    assertEquals(reasons, metrics.quarantinedByReason());
  }

  @Test
  void anEmptyDeliveryIsASuccessfulRunWithZeroRows() throws Exception {
    h.write("transactions/2026-03-03/transactions-2026-03-03-00000.csv", HEADER);
    h.write("fx_rates/2026-03-03/fx_rates-2026-03-03-00000.csv", "date,currency,rate_to_usd");
    Files.createDirectories(h.raw("transactions").resolve("2026-03-04"));
    Files.createDirectories(h.raw("fx_rates").resolve("2026-03-04"));

    RunMetrics metrics = clean(LocalDate.of(2026, 3, 3), LocalDate.of(2026, 3, 4));

    assertEquals(0, metrics.rowsIn());
    assertEquals(0, metrics.rowsWritten());
    assertEquals(Map.of(), metrics.quarantinedByReason());
    assertEquals(0, metrics.duplicatesDropped());
    assertEquals(List.of(), rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(List.of(), rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));
    // the header-only file is a delivery without records, recorded; the day without files delivered nothing
    assertEquals("2026-03-03", metrics.details().get("empty_delivery_days"));
  }

  @Test
  void anEmptyDeliveryOfADayAlreadyLoadedIsRefusedUnlessAllowed() throws Exception {
    clean(DAY1, DAY2);
    List<String> silver = rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS);
    List<String> quarantine = rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS);
    Path file = h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv", HEADER);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> clean(DAY1, DAY1));

    assertEquals("The delivery of 2026-03-01 for source generator-transactions holds no records (file:" + file
        + "), but silver/transactions already holds 3 of its rows for that day, which this run would replace with "
        + "nothing; nothing was written. If the day really is empty, rerun with --allow-empty.", e.getMessage());
    assertEquals(silver, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(quarantine, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));
    Row failed = h.metrics("clean-transactions").get(1);
    assertEquals("failed", failed.getAs(RunMetricsColumns.STATUS));
    assertEquals(0L, failed.<Long>getAs(RunMetricsColumns.ROWS_WRITTEN));

    RunMetrics allowed = CleanJob.run(h.context("clean-transactions", DAY1), Feed.TRANSACTIONS, new CleanOptions()
        .withInput(h.raw("transactions").toString()).withSource(SOURCE).withFromDate(DAY1).withAllowEmpty(true));

    assertEquals(0, allowed.rowsIn());
    assertEquals("2026-03-01", allowed.details().get("empty_delivery_days"));
    assertEquals(SILVER_DAY2, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(QUARANTINE_DAY2, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));
  }

  @Test
  void aMissingInputIsAClearError() {
    Path missing = dir.resolve("nowhere");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> h.clean(Feed.TRANSACTIONS, SOURCE, missing, DAY1, DAY1));
    assertEquals("Input path " + missing + " does not exist; expected the transactions feed of source "
        + "generator-transactions (one folder per delivery day, yyyy-MM-dd)", e.getMessage());
  }

  @Test
  void aMissingDayFolderIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> clean(DAY2, LocalDate.of(2026, 3, 3)));
    assertEquals("Input folder " + h.raw("transactions").resolve("2026-03-03") + " for delivery day "
        + "2026-03-03 does not exist; source generator-transactions expects one folder per delivery day "
        + "(yyyy-MM-dd) below " + h.raw("transactions"), e.getMessage());
  }

  @Test
  void aMissingRequiredColumnNamesTheColumnAndTheColumnsFound() throws Exception {
    Path file = h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv",
        "transaction_id,customer_id,timestamp,currency,quantity", "T000000000001,C00000001,2026-03-01T10:00:00Z,EUR,2");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clean(DAY1, DAY1));

    assertEquals("File file:" + file + " lacks required column amount of source generator-transactions; columns "
        + "found: [transaction_id, customer_id, timestamp, currency, quantity]", e.getMessage());
  }

  @Test
  void reorderedAndExtraColumnsAreReadByNameAndTheExtraOnesReported() throws Exception {
    h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv",
        "coupon,amount,currency,customer_id,transaction_id,timestamp,quantity,product_id,category,channel,"
            + "original_transaction_id,store_id",
        "SPRING,20.00,EUR,C00000001,T000000000001,2026-03-01T10:00:00+01:00,2,P00001,music,web,,S9");

    RunMetrics metrics = clean(DAY1, DAY1);

    assertEquals(List.of(SILVER_DAY1.get(0)), rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals("coupon,store_id", metrics.details().get("extra_columns_ignored"));
  }

  @Test
  void extraJsonFieldsAreIgnoredAndReported() throws Exception {
    h.write("transactions/2026-03-02/transactions-2026-03-02-00000.jsonl",
        "{\"transaction_id\":\"T000000000001\",\"customer_id\":\"C00000001\",\"timestamp\":"
            + "\"2026-03-02T10:00:00+01:00\",\"amount\":20.00,\"currency\":\"EUR\",\"quantity\":2,"
            + "\"product_id\":\"P00001\",\"category\":\"music\",\"channel\":\"web\",\"coupon\":\"SPRING\"}",
        "{\"transaction_id\":\"T000000000002\",\"customer_id\":\"C00000001\",\"timestamp\":"
            + "\"2026-03-02T11:00:00+01:00\",\"amount\":5,\"currency\":\"EUR\",\"quantity\":1,"
            + "\"product_id\":\"P00001\",\"category\":\"music\",\"channel\":\"web\",\"basket\":{\"n\":1}}");

    RunMetrics metrics = clean(DAY2, DAY2);

    assertEquals(2, metrics.rowsWritten());
    assertEquals("basket,coupon", metrics.details().get("extra_columns_ignored"));
  }

  @Test
  void aQuarantineRateAboveTheThresholdFailsAfterWritingQuarantineAndMetrics() throws Exception {
    h.maxRate = 0.05;

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> clean(DAY1, DAY1));

    assertEquals("quarantine rate 66.67% exceeds the threshold 5.00% (8 of 12 rows); top reasons: "
        + "bad_timestamp 2, bad_number 1, future_timestamp 1", e.getMessage());
    assertEquals(QUARANTINE_DAY1, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));
    Row metrics = h.metrics("clean-transactions").get(0);
    assertEquals("failed", metrics.getAs(RunMetricsColumns.STATUS));
    assertEquals(e.getMessage(), metrics.getAs(RunMetricsColumns.MESSAGE));
    assertCounts(metrics, 12, 3, 1, DAY1_REASONS);
  }
}
