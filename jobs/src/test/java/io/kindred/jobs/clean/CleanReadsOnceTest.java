package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.rows;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.DAY1;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.DAY1_LINES;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.DAY2;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.DAY2_LINES;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.HEADER;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.QUARANTINE_COLUMNS;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.QUARANTINE_DAY1;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.QUARANTINE_DAY2;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.SILVER_COLUMNS;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.SILVER_DAY1;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.SILVER_DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.ops.RunMetrics;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaning jobs read their raw files once, in splits: bytes read by Spark's tasks equal the files' sizes, a
 * file split into many tasks keeps every record and the line numbers quarantine points at, and a file larger than
 * the job's heap is cleaned.
 */
class CleanReadsOnceTest {

  @TempDir
  Path dir;
  CleanHarness h;

  @BeforeEach
  void harness() {
    h = new CleanHarness(dir);
    h.spark.sparkContext().hadoopConfiguration().set("fs.countfs.impl", CountingFileSystem.class.getName());
    h.spark.sparkContext().hadoopConfiguration().setBoolean("fs.countfs.impl.disable.cache", true);
  }

  private long bytesOf(Path... files) throws Exception {
    long n = 0;
    for (Path f : files) {
      n += Files.size(f);
    }
    return n;
  }

  @Test
  void aRunReadsItsRawFilesOnce() throws Exception {
    Path day1 = h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv", DAY1_LINES);
    Path day2 = h.write("transactions/2026-03-02/transactions-2026-03-02-00000.jsonl", DAY2_LINES);
    Path fx1 = h.write("fx_rates/2026-03-01/fx_rates-2026-03-01-00000.csv", "date,currency,rate_to_usd",
        "2026-03-01,USD,1", "2026-03-01,EUR,1.10", "2026-03-01,JPY,0.0067");
    Path fx2 = h.write("fx_rates/2026-03-02/fx_rates-2026-03-02-00000.csv", "date,currency,rate_to_usd",
        "2026-03-02,USD,1", "2026-03-02,EUR,1.20");
    Path input = Path.of("countfs://" + h.raw("transactions").toUri().getPath());

    CountingFileSystem.reset();
    RunMetrics both = h.clean(Feed.TRANSACTIONS, CleanTransactionsJobTest.SOURCE, input, DAY1, DAY2);

    assertEquals(bytesOf(day1, day2, fx1, fx2), CountingFileSystem.TASK_BYTES.get(),
        "every byte of the two days' transactions and FX rates read once by the tasks");
    assertEquals(19, both.rowsIn());
    assertEquals(both.rowsIn(), both.rowsWritten() + both.rowsQuarantined() + both.duplicatesDropped());
    List<String> silver = new ArrayList<>(SILVER_DAY1);
    silver.addAll(SILVER_DAY2);
    silver.sort(null);
    assertEquals(silver, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    List<String> quarantine = new ArrayList<>(QUARANTINE_DAY1);
    quarantine.addAll(QUARANTINE_DAY2);
    quarantine.sort(null);
    assertEquals(quarantine, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));

    // the next night's run reads that night's files alone, once
    CountingFileSystem.reset();
    h.clean(Feed.TRANSACTIONS, CleanTransactionsJobTest.SOURCE, input, DAY2, DAY2);
    assertEquals(bytesOf(day2, fx2), CountingFileSystem.TASK_BYTES.get());
  }

  @Test
  void aFileReadInManySplitsKeepsEveryRecordAndItsLineNumber() throws Exception {
    int lines = 3_000;
    List<String> content = new ArrayList<>(List.of(HEADER));
    List<String> expectedQuarantine = new ArrayList<>();
    for (int i = 1; i <= lines; i++) {
      boolean bad = i % 97 == 0;
      String line = String.format(Locale.ROOT, "T%012d,C%08d,2026-03-01T10:%02d:00Z,%s,USD,1,P%05d,music,web,", i,
          i % 500, i % 60, bad ? "abc" : (1 + i % 90) + ".50", i % 1000);
      content.add(line);
      if (bad) {
        expectedQuarantine.add("bad_number|" + (i + 1) + "|" + line);
      }
    }
    // CRLF line ends, as a Windows export would have them
    Path file = dir.resolve("raw/transactions/2026-03-01/transactions-2026-03-01-00000.csv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\r\n", content) + "\r\n", StandardCharsets.UTF_8);
    h.write("fx_rates/2026-03-01/fx_rates-2026-03-01-00000.csv", "date,currency,rate_to_usd", "2026-03-01,USD,1");
    long maxPartitionBytes = 4_096;
    assertTrue(Files.size(file) > 40 * maxPartitionBytes, "the file spans more than 40 splits");

    RunMetrics m;
    String before = h.spark.conf().get("spark.sql.files.maxPartitionBytes");
    h.spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(maxPartitionBytes));
    try {
      m = h.clean(Feed.TRANSACTIONS, CleanTransactionsJobTest.SOURCE, h.raw("transactions"), DAY1, DAY1);
    } finally {
      h.spark.conf().set("spark.sql.files.maxPartitionBytes", before);
    }

    expectedQuarantine.sort(null);
    assertEquals(expectedQuarantine, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QuarantineColumns.REASON,
        QuarantineColumns.LINE, QuarantineColumns.RAW));
    assertEquals(lines, m.rowsIn());
    assertEquals(lines - expectedQuarantine.size(), m.rowsWritten());
    assertEquals(Map.of("bad_number", (long) expectedQuarantine.size()), m.quarantinedByReason());
    assertEquals(lines - expectedQuarantine.size(), h.table(Tables.SILVER_TRANSACTIONS)
        .agg(functions.countDistinct(functions.col("transaction_id"))).first().getLong(0));
  }

  /**
   * A 300 MB delivery cleaned by a job whose heap is 256 MB, in a JVM of its own (the command line a data engineer
   * runs): the file is streamed in splits, never held whole. Reading it whole, as a byte array and then as text,
   * needs more than twice its size.
   */
  @Test
  void aFileLargerThanTheHeapIsCleaned() throws Exception {
    Path raw = dir.resolve("raw");
    Path file = raw.resolve("transactions/2026-03-01/transactions-2026-03-01-00000.csv");
    Files.createDirectories(file.getParent());
    String product = "P" + "0".repeat(200);
    long lines = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER + "\n");
      while (lines * 260 < 300L * 1024 * 1024) {
        lines++;
        out.write(String.format(Locale.ROOT, "T%012d,C%08d,2026-03-01T10:00:00Z,%d.25,USD,1,%s,music,web,%n",
            lines, lines % 100_000, 1 + lines % 200, product));
      }
    }
    h.write("fx_rates/2026-03-01/fx_rates-2026-03-01-00000.csv", "date,currency,rate_to_usd", "2026-03-01,USD,1");
    long heap = 256L * 1024 * 1024;
    assertTrue(Files.size(file) > heap, "the file is larger than the job's heap");
    Path overlay = dir.resolve("small-heap.conf");
    // A job given a small heap is configured for it. Parquet row groups of 8 MB: a Parquet writer buffers a whole
    // row group (128 MB by default) per file it writes, outside Spark's memory accounting, and two tasks write at
    // once. Sixteen shuffle partitions, so that each task's sorts hold ~20 MB rather than ~150 MB: a sort larger
    // than its memory spills, and merging its spills takes a read buffer per spill file, also outside Spark's
    // accounting. With 32 MB row groups and two shuffle partitions the job ran out of heap in CI once (in a write)
    // and here once (merging spills); no read-ahead halves those buffers.
    Files.writeString(overlay, String.join("\n",
        "kindred.spark.conf {",
        "  \"spark.hadoop.parquet.block.size\" = \"" + (8L * 1024 * 1024) + "\"",
        "  \"spark.unsafe.sorter.spill.read.ahead.enabled\" = \"false\"",
        "  \"spark.testing.reservedMemory\" = \"" + (32L * 1024 * 1024) + "\"",
        "  \"spark.sql.shuffle.partitions\" = \"16\"",
        "  \"spark.sql.adaptive.advisoryPartitionSizeInBytes\" = \"" + (16L * 1024 * 1024) + "\"",
        "  \"spark.ui.enabled\" = \"false\"",
        // Once, with another test JVM busy beside it, a reduce task of this job found a shuffle file of its own
        // JVM gone (FileNotFoundException .../blockmgr-*/shuffle_9_36_0.data). Suspected: the context cleaner,
        // which in a heap this small runs at every GC, removing a shuffle still read. The job is short: its
        // shuffle files can wait for its end.
        "  \"spark.cleaner.referenceTracking\" = \"false\"",
        "}"));
    Path lakehouse = dir.resolve("lake");

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap / (1024 * 1024) + "m"));
    command.addAll(Stream.of(System.getProperty("kindred.spark.jvm.flags", "").split(" "))
        .filter(s -> !s.isBlank()).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kindred.jobs.Kindred",
        "clean-transactions", "--input", raw.resolve("transactions").toString(), "--run-date", "2026-03-01",
        "--lakehouse", lakehouse.toString(), "--master", "local[2]", "--config", overlay.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("job.log").toFile()).start();
    assertTrue(p.waitFor(15, TimeUnit.MINUTES), "the job ends");
    String log = Files.readString(dir.resolve("job.log"));
    assertEquals(0, p.exitValue(), () -> "the job succeeds; its log ends:\n"
        + log.substring(Math.max(0, log.length() - 4000)));
    assertTrue(log.contains("rows in " + lines + ", written " + lines + ", quarantined 0"), () ->
        "all " + "rows accounted for; log:\n" + log.substring(Math.max(0, log.length() - 4000)));
    assertEquals(lines, h.spark.read().format("delta").load(lakehouse.resolve("silver/transactions").toString())
        .count());
  }
}
