package io.kindred.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.config.KindredConfig;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred generate}: its options, its checks, and its refusal to write over existing feeds. */
class GenerateCommandTest {

  @TempDir
  Path dir;

  private static GenerateCommand parse(String... args) {
    CommandLine.Parsed parsed = CommandLine.parse(Kindred.commands(), args);
    assertEquals("", parsed.stderr());
    return assertInstanceOf(GenerateCommand.class, parsed.command());
  }

  @Test
  void optionsAreParsedAndTyped() {
    GenerateCommand command = parse("generate", "--customers", "500", "--days", "10", "--seed", "3", "--out",
        "s3a://bucket/raw", "--run-date", "2026-01-31", "--overwrite");

    assertEquals(500, command.customers());
    assertEquals(10, command.days());
    assertEquals(3, command.seed());
    assertEquals("s3a://bucket/raw", command.out());
    assertTrue(command.overwrite());
    assertEquals(LocalDate.of(2026, 1, 31), command.common().runDate());
  }

  @Test
  void outDefaultsToTheLakehousesRawFolder() {
    GenerateCommand command = parse("generate", "--lakehouse", "hdfs:///data/kindred");
    KindredConfig config = Kindred.configFor(command);
    JobContext context = new JobContext(null, config, new Lakehouse(Location.parse(config.getString("lakehouse"))),
        command.common().runDate(), "generate");

    assertEquals(new Location("hdfs:///data/kindred/raw"), command.outLocation(context));
    assertFalse(command.overwrite());
    assertEquals(20_000, command.customers());
    assertEquals(120, command.days());
    assertEquals(42, command.seed());
  }

  @Test
  void badSizesAreUsageErrorsNamingTheValue() {
    CommandLine.Parsed customers = CommandLine.parse(Kindred.commands(), "generate", "--customers", "0");
    CommandLine.Parsed days = CommandLine.parse(Kindred.commands(), "generate", "--days", "-3");

    assertEquals(CommandLine.USAGE, customers.exitCode());
    assertTrue(customers.stderr().startsWith("Error: --customers is 0; expected 1 .. 99999999\n"),
        customers.stderr());
    assertEquals(CommandLine.USAGE, days.exitCode());
    assertTrue(days.stderr().startsWith("Error: --days is -3; expected at least 1\n"), days.stderr());
  }

  @Test
  void refusesAnOutputHoldingFeedsUnlessOverwriteIsGiven() throws Exception {
    Path out = dir.resolve("raw");
    Files.createDirectories(out.resolve("customers"));
    Files.createDirectories(out.resolve("truth"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = {"generate", "--customers", "50", "--days", "3", "--run-date", "2026-01-31", "--out",
        out.toString(), "--lakehouse", dir.resolve("lake").toString()};

    GenerateCommand refused = parse(args);
    int refusedCode = Kindred.run(refused, SharedSpark.session(), Kindred.configFor(refused),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(CommandLine.FAILED, refusedCode);
    assertEquals("kindred generate failed: Output " + Location.of(out) + " already holds [customers, truth]; "
        + "expected no feed folders there (pass --overwrite to replace them)\n", err.toString(StandardCharsets.UTF_8));

    String[] overwrite = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
        "--overwrite")).toArray(String[]::new);
    GenerateCommand allowed = parse(overwrite);
    int code = Kindred.run(allowed, SharedSpark.session(), Kindred.configFor(allowed), System.err);

    assertEquals(CommandLine.OK, code);
    try (var folders = Files.list(out)) {
      assertEquals(List.of("customers", "fx_rates", "interactions", "transactions", "truth"),
          folders.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(List.of("customers-2026-01-31-00000.csv"),
        List.of(out.resolve("customers/2026-01-31").toFile().list()));

    // One ops/run_metrics row per run: the refusal with its message, then the run, whose rows are every record
    // line of the feed files (counted here from the files: CSV headers excluded; truth/ is not a feed).
    long records = 0;
    try (var files = Files.walk(out)) {
      for (Path file : files.filter(Files::isRegularFile).filter(p -> !out.relativize(p).startsWith("truth"))
          .toList()) {
        long lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).count();
        records += file.toString().endsWith(".csv") ? lines - 1 : lines;
      }
    }
    List<org.apache.spark.sql.Row> metrics = SharedSpark.session().read().format("delta")
        .load(dir.resolve("lake/ops/run_metrics").toString())
        .orderBy("started_at").select("job", "status", "rows_in", "rows_written", "rows_quarantined",
            "duplicates_dropped", "message").collectAsList();
    assertEquals(2, metrics.size(), metrics.toString());
    assertEquals(org.apache.spark.sql.RowFactory.create("generate", "failed", 0L, 0L, 0L, 0L, "Output "
        + Location.of(out) + " already holds [customers, truth]; expected no feed folders there (pass --overwrite "
        + "to replace them)"), metrics.get(0));
    assertEquals(org.apache.spark.sql.RowFactory.create("generate", "succeeded", records, records, 0L, 0L, null),
        metrics.get(1));
  }
}
