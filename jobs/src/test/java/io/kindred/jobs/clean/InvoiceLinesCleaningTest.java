package io.kindred.jobs.clean;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.clean.DerivedFields;
import io.kindred.clean.Feed;
import io.kindred.clean.RawFiles;
import io.kindred.clean.RecordParser;
import io.kindred.clean.SourceDef;
import io.kindred.features.RfmFeatures;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.testing.SharedSpark;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retailer's invoice-line export (a fixture of our own in the shape of the public "Online Retail" data: invoice
 * number, item, description, quantity, unit price, local London time without an offset, customer ids written
 * {@code 17850.0} and a quarter of them blank, cancellations {@code C...} with negative quantities, the same item
 * twice on an invoice, all in GBP) through its shipped source definition ({@code conf/sources/invoice-lines.conf}),
 * delivered with a re-sent copy of its first lines, cleaned with the reporting currency GBP and the default
 * quarantine threshold of 5% (the source's own 30% must win), then summarised per customer by the features stage's
 * transformations. Every expected figure is computed here from the file with plain Java.
 */
class InvoiceLinesCleaningTest {

  private static final Path FIXTURE = Path.of("src", "test", "resources", "invoice-lines", "invoices-2011.csv");
  private static final LocalDate RUN_DATE = LocalDate.of(2011, 7, 1);
  private static final int RESENT_LINES = 40;

  @TempDir
  Path dir;

  /** One CSV line's fields; a quoted field may hold the delimiter and doubled quotes. */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        b.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(b.toString());
        b.setLength(0);
      } else {
        b.append(c);
      }
    }
    out.add(b.toString());
    return out;
  }

  /** What the cleaning of the delivered files must give, from the files alone. */
  static final class Expected {
    long rowsIn;
    long duplicates;
    final Map<String, Long> quarantined = new TreeMap<>();
    final Set<String> written = new HashSet<>();
    /** customer -> UTC purchase days, purchase lines, return lines, net amount. */
    final Map<String, TreeSet<LocalDate>> days = new TreeMap<>();
    final Map<String, long[]> lines = new TreeMap<>();
    final Map<String, BigDecimal> net = new TreeMap<>();
    /** invoice time (local text) -> UTC instant text, for the accepted lines. */
    final Map<String, String> utc = new TreeMap<>();
  }

  static Expected expected(List<Path> files) throws Exception {
    Expected e = new Expected();
    DateTimeFormatter local = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertEquals("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
          lines.get(0));
      Map<String, Integer> seenInFile = new HashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        e.rowsIn++;
        int occurrence = seenInFile.merge(line, 1, Integer::sum) - 1;
        List<String> f = fields(line);
        String invoice = f.get(0);
        String customer = f.get(6);
        String price = f.get(5);
        String reason = null;
        BigDecimal amount = null;
        if (customer.isBlank()) {
          reason = "missing_customer_id";
        } else if (price.isBlank()) {
          reason = "missing_required_field";
        } else {
          amount = new BigDecimal(f.get(3)).multiply(new BigDecimal(price));
          if (!invoice.startsWith("C") && amount.signum() <= 0) {
            reason = "non_positive_amount";
          }
        }
        if (reason != null) {
          e.quarantined.merge(reason, 1L, Long::sum);
          continue;
        }
        // the id: invoice, item, quantity and price as written, and the repeats of the same line before it
        if (!e.written.add(invoice + "|" + f.get(1) + "|" + f.get(3) + "|" + price + "|" + occurrence)) {
          e.duplicates++;
          continue;
        }
        String id = Long.toString((long) Double.parseDouble(customer));
        java.time.Instant at = LocalDateTime.parse(f.get(4), local).atZone(ZoneId.of("Europe/London")).toInstant();
        e.utc.put(f.get(4), at.toString());
        long[] counts = e.lines.computeIfAbsent(id, k -> new long[2]);
        if (invoice.startsWith("C")) {
          counts[1]++;
        } else {
          counts[0]++;
          e.days.computeIfAbsent(id, k -> new TreeSet<>()).add(at.atOffset(ZoneOffset.UTC).toLocalDate());
        }
        e.net.merge(id, amount.setScale(2, RoundingMode.HALF_UP), BigDecimal::add);
      }
    }
    return e;
  }

  @Test
  void theInvoiceExportIsCleanedThroughItsSourceDefinitionAndSummarisedPerDay() throws Exception {
    CleanHarness harness = new CleanHarness(dir);
    harness.maxRate = 0.05;
    harness.settings.put("kindred.reporting-currency", "GBP");
    Path input = dir.resolve("raw").resolve("invoices");
    Files.createDirectories(input);
    Path export = Files.copy(FIXTURE, input.resolve("invoices-2011.csv"));
    List<String> all = Files.readAllLines(FIXTURE, StandardCharsets.UTF_8);
    Path resent = input.resolve("invoices-2011-resent.csv");
    Files.writeString(resent, String.join("\r\n", all.subList(0, 1 + RESENT_LINES)) + "\r\n");
    Expected e = expected(List.of(export, resent));
    // the fixture has the shapes the export has
    assertEquals(174, e.rowsIn);
    assertEquals(Map.of("missing_customer_id", 30L, "missing_required_field", 1L, "non_positive_amount", 1L),
        e.quarantined);

    harness.spark.sparkContext().hadoopConfiguration().set("fs.countfs.impl", CountingFileSystem.class.getName());
    harness.spark.sparkContext().hadoopConfiguration().setBoolean("fs.countfs.impl.disable.cache", true);
    CountingFileSystem.reset();
    RunMetrics m = harness.clean(Feed.TRANSACTIONS, "invoice-lines", Path.of("countfs://" + input.toUri().getPath()),
        RUN_DATE, RUN_DATE);

    // the derived fields are computed in the one pass over the files
    assertEquals(Files.size(export) + Files.size(resent), CountingFileSystem.TASK_BYTES.get());

    long written = e.rowsIn - e.duplicates - e.quarantined.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(e.rowsIn, m.rowsIn());
    assertEquals(written, m.rowsWritten());
    assertEquals(e.duplicates, m.duplicatesDropped());
    assertEquals(e.quarantined, new TreeMap<>(m.quarantinedByReason()));
    assertEquals("0.3", m.details().get("max_quarantine_rate"));
    assertEquals("Country,Description", m.details().get("extra_columns_ignored"));

    Dataset<Row> silver = harness.table(Tables.SILVER_TRANSACTIONS).cache();
    assertEquals(written, silver.count());
    assertEquals(List.of("GBP|1.00000000|true"), CleanHarness.rows(silver.select(
        col(TransactionColumns.ORIGINAL_CURRENCY), col(TransactionColumns.FX_RATE),
        col(TransactionColumns.AMOUNT).equalTo(col(TransactionColumns.ORIGINAL_AMOUNT)).as("same")).distinct(),
        TransactionColumns.ORIGINAL_CURRENCY, TransactionColumns.FX_RATE, "same"));
    // local London times: GMT in winter, BST (UTC+1) in summer, so 0:15 on 15 May is 14 May in UTC
    assertEquals("2011-05-14T23:15:00Z", e.utc.get("5/15/2011 0:15"));
    assertEquals(new TreeSet<>(e.utc.values()), new TreeSet<>(CleanHarness.rows(silver,
        TransactionColumns.TRANSACTION_TS)));

    // the features stage's summary: purchase days (several lines of one invoice count once), lines, net value
    List<String> expectedCustomers = new ArrayList<>();
    for (String id : e.lines.keySet()) {
      TreeSet<LocalDate> days = e.days.get(id);
      BigDecimal net = e.net.get(id);
      expectedCustomers.add(id + "|" + days.size() + "|" + e.lines.get(id)[0] + "|" + e.lines.get(id)[1] + "|"
          + net + "|" + net.divide(BigDecimal.valueOf(days.size()), 2, RoundingMode.HALF_UP) + "|" + days.first()
          + "|" + days.last());
    }
    Dataset<Row> aggregates = RfmFeatures.customerAggregates(RfmFeatures.customerDays(silver), RUN_DATE);
    assertEquals(expectedCustomers, CleanHarness.rows(aggregates, CustomerFeatureColumns.CUSTOMER_ID,
        CustomerFeatureColumns.PURCHASE_DAYS, CustomerFeatureColumns.TRANSACTIONS, CustomerFeatureColumns.RETURNS,
        CustomerFeatureColumns.MONETARY, CustomerFeatureColumns.MONETARY_PER_DAY,
        CustomerFeatureColumns.FIRST_PURCHASE_DATE, CustomerFeatureColumns.LAST_PURCHASE_DATE));

    // the quarantined lines name the derived field and its expression, the file and the line
    Dataset<Row> quarantine = harness.table(Tables.QUARANTINE_TRANSACTIONS);
    String priceless = all.stream().filter(l -> l.contains(",24,6/25/2011 12:12,,")).findFirst().orElseThrow();
    assertEquals(List.of("invoices-2011.csv|" + (all.indexOf(priceless) + 1) + "|required fields missing or empty: "
            + "[amount (derived: cast(Quantity as int) * cast(UnitPrice as decimal(18,4)))]"),
        CleanHarness.rows(quarantine.filter(col(QuarantineColumns.REASON).equalTo("missing_required_field"))
            .select(fileName(), col(QuarantineColumns.LINE), col(QuarantineColumns.DETAIL)),
            "file", QuarantineColumns.LINE, QuarantineColumns.DETAIL));
    assertEquals(List.of("customer_id (derived: cast(cast(CustomerID as double) as bigint)) is missing or empty"),
        CleanHarness.rows(quarantine.filter(col(QuarantineColumns.REASON).equalTo("missing_customer_id"))
            .select(QuarantineColumns.DETAIL).distinct(), QuarantineColumns.DETAIL));
    silver.unpersist();
  }

  private static org.apache.spark.sql.Column fileName() {
    return org.apache.spark.sql.functions.regexp_extract(col(QuarantineColumns.FILE), "([^/]+)$", 1).as("file");
  }

  @Test
  void aDerivedFieldThatCannotBeComputedStopsTheRunUpFrontNamingIt() throws Exception {
    SourceDef source = SourceDef.load("invoice-lines");
    Path file = dir.resolve("old-export.csv");
    Files.writeString(file, "InvoiceNo,StockCode,Quantity,InvoiceDate,Price,CustomerID\n"
        + "536365,85123A,6,12/1/2010 8:26,2.55,17850.0\n");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> RawFiles.list(SharedSpark.session(), file.toString(), source, RUN_DATE, RUN_DATE));
    assertEquals("File " + file.toUri().getPath().replaceAll("/$", "") + " lacks column UnitPrice, which derived field "
        + "amount = \"cast(Quantity as int) * cast(UnitPrice as decimal(18,4))\" and derived-id.fields of source "
        + "invoice-lines reads; columns found: [InvoiceNo, StockCode, Quantity, InvoiceDate, Price, CustomerID]",
        missing.getMessage().replace("file:", ""));

    SourceDef unknownFunction = SourceDef.fromConfig(com.typesafe.config.ConfigFactory.parseString(
        "name = shop, feed = transactions, layout = single\n"
            + "formats { csv { type = csv } }\n"
            + "columns { timestamp = t, quantity = q, product_id = p, customer_id = c, transaction_id = id }\n"
            + "derived { amount = \"pounds_to_pence(q)\" }\n"
            + "constants { currency = GBP }\n"
            + "optional = [category, channel, original_transaction_id]"), "test");
    Dataset<Row> lines = SharedSpark.session().createDataFrame(List.of(), RecordParser.linesSchema());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DerivedFields.withDerivedValues(
        lines, new RecordParser(unknownFunction, Map.of()), unknownFunction));
    String start = "Source shop: derived field amount = \"pounds_to_pence(q)\" cannot be computed: ";
    assertEquals(start, bad.getMessage().substring(0, start.length()), bad.getMessage());
    String end = "; source columns read: [q]";
    assertEquals(end, bad.getMessage().substring(bad.getMessage().length() - end.length()), bad.getMessage());
  }

  @Test
  void withoutAnFxFeedOnlyTheReportingCurrencyIsKnown() {
    org.apache.spark.sql.types.StructType schema = RecordParser.parsedSchema(Feed.TRANSACTIONS);
    List<Row> rows = new ArrayList<>();
    for (String currency : List.of("GBP", "USD")) {
      Object[] values = new Object[schema.size()];
      values[schema.fieldIndex(RecordParser.INGEST_DAY)] = java.sql.Date.valueOf(RUN_DATE);
      values[schema.fieldIndex(RecordParser.FILE)] = "f.csv";
      values[schema.fieldIndex("timestamp")] = java.sql.Timestamp.from(java.time.Instant.parse(
          "2011-06-30T10:00:00Z"));
      values[schema.fieldIndex("currency")] = currency;
      rows.add(org.apache.spark.sql.RowFactory.create(values));
    }
    Dataset<Row> records = SharedSpark.session().createDataFrame(rows, schema);
    assertEquals(List.of("GBP|1.00000000|null|null", "USD|null|unknown_currency|currency 'USD' is not the reporting "
            + "currency GBP (kindred.reporting-currency) and the source has no FX feed"),
        CleanHarness.rows(io.kindred.clean.Cleaning.withFxRates(records, null, "GBP"), "currency",
            io.kindred.clean.Cleaning.FX_RATE, RecordParser.REASON, RecordParser.DETAIL));
  }
}
