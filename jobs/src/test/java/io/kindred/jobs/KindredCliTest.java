package io.kindred.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.jobs.cli.CommandLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The command line's parsing and errors; none of these start Spark. */
class KindredCliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int kindred(String... args) {
    return Kindred.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryCommandOnStdout() {
    int code = kindred("--help");

    assertEquals(0, code);
    for (var command : Kindred.commands()) {
      assertTrue(stdout().contains(command.name()), "help lists " + command.name() + ":\n" + stdout());
    }
    assertEquals("", stderr());
  }

  @Test
  void commandHelpDescribesSharedOptions() {
    int code = kindred("demo", "--help");

    assertEquals(0, code);
    assertTrue(stdout().startsWith("Usage: kindred demo [options]\n"), stdout());
    assertEquals(1, stdout().split("Usage:", -1).length - 1, "one usage line:\n" + stdout());
    for (String option : new String[] {"--run-date", "--lakehouse", "--config", "--master", "--customers"}) {
      assertTrue(stdout().contains(option), "demo --help shows " + option + ":\n" + stdout());
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    int code = kindred("frobnicate");

    assertEquals(2, code);
    assertEquals("Error: Expected a command, got frobnicate\nRun 'kindred --help' for the commands.\n", stderr());
    assertEquals("", stdout());
  }

  @Test
  void noCommandIsAUsageError() {
    int code = kindred();

    assertEquals(2, code);
    assertEquals("Error: no command given\nRun 'kindred --help' for the commands.\n", stderr());
  }

  @Test
  void badDateNamesTheValue() {
    int code = kindred("demo", "--run-date", "2026-13-01");

    assertEquals(2, code);
    assertTrue(stderr().contains("2026-13-01"), stderr());
    assertTrue(stderr().endsWith("\nRun 'kindred demo --help' for its options.\n"), stderr());
    assertEquals(2, stderr().lines().count(), stderr());
  }

  @Test
  void unknownOptionIsAUsageError() {
    int code = kindred("demo", "--colour", "blue");

    assertEquals(2, code);
    assertEquals("Error: unknown option --colour for kindred demo\nRun 'kindred demo --help' for its options.\n",
        stderr());
  }

  @Test
  void badSettingIsAUsageError() {
    int code = kindred("demo", "--set", "no-equals-sign");

    assertEquals(2, code);
    assertTrue(stderr().startsWith("Error: --set expects key=value, got 'no-equals-sign'"), stderr());
  }

  @Test
  void checkArgsValidatesWithoutRunning() {
    int code = kindred("--check-args", "demo", "--run-date", "2026-11-22", "--lakehouse", "/tmp/x");

    assertEquals(0, code);
    assertEquals("ok: --check-args demo --run-date 2026-11-22 --lakehouse /tmp/x\n", stdout());
  }

  @Test
  void parsedOptionsAreTyped() {
    CommandLine.Parsed parsed = CommandLine.parse(Kindred.commands(), "demo", "--as-of", "2026-02-28",
        "--lakehouse", "s3a://bucket/k", "--set", "kindred.x=1");

    assertNull(parsed.stderr().isEmpty() ? null : parsed.stderr());
    assertEquals(LocalDate.of(2026, 2, 28), parsed.command().common().runDate());
    assertEquals("s3a://bucket/k", parsed.command().common().configOverrides().get("kindred.lakehouse"));
    assertEquals("1", parsed.command().common().configOverrides().get("kindred.x"));
  }

  @Test
  void aMisspeltOrOutOfRangeSettingStopsTheRunBeforeSparkStarts() {
    assertEquals(2, kindred("score-segments", "--set", "kindred.quarantine.max-rat=0.5"));
    assertEquals("Error: Configuration: unknown setting kindred.quarantine.max-rat (command line); did you mean "
        + "kindred.quarantine.max-rate?. Every setting is documented in conf/kindred.conf.\n", stderr());

    err.reset();
    assertEquals(2, kindred("score-segments", "--set", "kindred.quarantine.max-rate=5", "--set",
        "kindred.segments.k-max=2", "--set", "kindred.features.clv.model=bgnbd"));
    assertEquals("Error: Configuration: kindred.quarantine.max-rate = \"5\" (command line): expected a rate in "
        + "[0, 1]; kindred.segments.k-max = \"2\" (command line): expected at least kindred.segments.k-min (3); "
        + "kindred.features.clv.model = \"bgnbd\" (command line): expected one of bg_nbd, mbg_nbd, pareto_nbd, auto"
        + ". Every setting is documented in conf/kindred.conf.\n", stderr());

    err.reset();
    assertEquals(2, kindred("publish-audiences", "--set", "kindred.audiences.control.share=1", "--set",
        "kindred.audiences.control.global-holdout=-0.1"));
    assertEquals("Error: Configuration: kindred.audiences.control.share = \"1\" (command line): expected a share in "
        + "[0, 1); kindred.audiences.control.global-holdout = \"-0.1\" (command line): expected a share in [0, 1). "
        + "Every setting is documented in conf/kindred.conf.\n", stderr());

    err.reset();
    assertEquals(2, kindred("score-segments", "--set", "kindred.segments.restarts=2.5"));
    assertEquals("Error: Configuration: kindred.segments.restarts = \"2.5\" (command line): expected a whole number "
        + ">= 1. Every setting is documented in conf/kindred.conf.\n", stderr());

    err.reset();
    assertEquals(2, kindred("clean-transactions", "--input", "/nowhere", "--set", "kindred.reporting-currency=gbp"));
    assertEquals("Error: Configuration: kindred.reporting-currency = \"gbp\" (command line): expected an ISO 4217 "
        + "code in capitals, such as USD. Every setting is documented in conf/kindred.conf.\n", stderr());
  }

  @Test
  void aMasterSparkCannotParseIsOneLine() {
    assertEquals(2, kindred("score-segments", "--master", "nonsense://x", "--lakehouse",
        System.getProperty("java.io.tmpdir") + "/kindred-cli-test"));
    assertEquals("Error: Spark master 'nonsense://x' is not a master URL Spark accepts; expected local, local[N], "
        + "local[*], local[N,F] (F: task failures allowed), spark://HOST:PORT, yarn or k8s://https://HOST:PORT\n",
        stderr());
  }

  @Test
  void aLakehouseThatIsAFileIsFoundOutUpFront(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("lake"), "not a directory");
    assertEquals(2, kindred("score-segments", "--lakehouse", file.toString()));
    assertEquals("Error: The lakehouse " + file + " is not a directory: " + file + " is a file; expected a directory "
        + "(kindred.lakehouse or --lakehouse)\n", stderr());

    err.reset();
    assertEquals(2, kindred("score-segments", "--lakehouse", file.resolve("below").toString()));
    assertEquals("Error: The lakehouse " + file.resolve("below") + " (to be created below " + file + ") is not a "
        + "directory: " + file + " is a file; expected a directory (kindred.lakehouse or --lakehouse)\n", stderr());
  }
}
