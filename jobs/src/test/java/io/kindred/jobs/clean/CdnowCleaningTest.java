package io.kindred.jobs.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CDNOW master file through its source definition ({@code conf/sources/cdnow.conf}). Expected figures
 * are the published ones (69,659 rows, 23,570 customers, 1997-01-01 .. 1998-06-30, $2,500,315.63) and, for what
 * the rules change, recomputed here from the file with plain Java.
 *
 * <p>The documented rules: the 80 purchases of $0 are real free purchases, accepted by the source's
 * {@code free-purchases = accept} (the published CDNOW summary counts them: they are the only purchase of 8 of its
 * 2,357 customers; sources default to quarantining them as {@code non_positive_amount}); the 255 identical lines are
 * distinct purchases (the source's derived id counts repeats within the file), so none is dropped; the same file
 * delivered again is dropped whole as exact duplicates.
 */
class CdnowCleaningTest {

  @TempDir
  Path dir;

  /** What the file holds, read independently of the cleaning code. */
  record Expected(long rows, long zeroAmount, long customers, LocalDate first, LocalDate last, BigDecimal total,
      long repeatedLines) {
  }

  static Expected readIndependently(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    assertEquals(List.of("customer_id", "date", "number_of_cds", "dollar_value"),
        List.of(lines.get(0).strip().split("\\s+")));
    Set<String> customers = new HashSet<>();
    Set<String> seen = new HashSet<>();
    long zero = 0;
    long repeated = 0;
    LocalDate first = LocalDate.MAX;
    LocalDate last = LocalDate.MIN;
    BigDecimal total = BigDecimal.ZERO;
    DateTimeFormatter yyyymmdd = DateTimeFormatter.BASIC_ISO_DATE;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.strip().split("\\s+");
      BigDecimal amount = new BigDecimal(f[3]);
      LocalDate date = LocalDate.parse(f[1], yyyymmdd);
      customers.add(f[0]);
      if (!seen.add(line)) {
        repeated++;
      }
      if (amount.signum() == 0) {
        zero++;
      }
      first = date.isBefore(first) ? date : first;
      last = date.isAfter(last) ? date : last;
      total = total.add(amount);
    }
    return new Expected(lines.size() - 1, zero, customers.size(), first, last, total, repeated);
  }

  @Test
  void cdnowIsAccountedForExactlyAndMatchesThePublishedFigures() throws Exception {
    Path file = dir.resolve("raw/CDNOW_master.txt");
    Files.createDirectories(file.getParent());
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("cdnow/CDNOW_master.txt")) {
      Files.copy(in, file);
    }
    Expected expected = readIndependently(file);
    // the published figures
    assertEquals(69_659, expected.rows());
    assertEquals(23_570, expected.customers());
    assertEquals(LocalDate.of(1997, 1, 1), expected.first());
    assertEquals(LocalDate.of(1998, 6, 30), expected.last());
    assertEquals(new BigDecimal("2500315.63"), expected.total());
    assertEquals(80, expected.zeroAmount());
    assertEquals(255, expected.repeatedLines());
    CleanHarness h = new CleanHarness(dir);
    LocalDate runDate = LocalDate.of(1998, 6, 30);

    RunMetrics metrics = h.clean(Feed.TRANSACTIONS, "cdnow", file, runDate, runDate);

    assertEquals(69_659, metrics.rowsIn());
    assertEquals(69_659, metrics.rowsWritten());
    assertEquals(Map.of(), metrics.quarantinedByReason());
    assertEquals(0, metrics.duplicatesDropped());
    Row silver = h.table(Tables.SILVER_TRANSACTIONS).agg(
        org.apache.spark.sql.functions.count("*"),
        countDistinct(col(TransactionColumns.TRANSACTION_ID)),
        countDistinct(col(TransactionColumns.CUSTOMER_ID)),
        min(col(TransactionColumns.TRANSACTION_DATE)).cast("string"),
        max(col(TransactionColumns.TRANSACTION_DATE)).cast("string"),
        sum(col(TransactionColumns.AMOUNT)),
        sum(col(TransactionColumns.QUANTITY))).first();
    assertEquals(69_659L, silver.getLong(0));
    assertEquals(69_659L, silver.getLong(1), "derived ids are unique");
    assertEquals(23_570L, silver.getLong(2));
    assertEquals("1997-01-01", silver.getString(3));
    assertEquals("1998-06-30", silver.getString(4));
    assertEquals(new BigDecimal("2500315.63"), silver.getDecimal(5).setScale(2));
    assertEquals(0, h.table(Tables.QUARANTINE_TRANSACTIONS).count());
    assertEquals(expected.zeroAmount(), h.table(Tables.SILVER_TRANSACTIONS)
        .where(col(TransactionColumns.AMOUNT).equalTo(0)).count(), "free purchases kept as purchases");

    // The same file delivered again (another run date): every purchase is an exact duplicate of silver.
    RunMetrics again = h.clean(Feed.TRANSACTIONS, "cdnow", file, runDate.plusDays(1), runDate.plusDays(1));

    assertEquals(69_659, again.rowsIn());
    assertEquals(0, again.rowsWritten());
    assertEquals(69_659, again.duplicatesDropped());
    assertEquals(Map.of(), again.quarantinedByReason());
    assertEquals(69_659L, h.table(Tables.SILVER_TRANSACTIONS).count());
  }
}
