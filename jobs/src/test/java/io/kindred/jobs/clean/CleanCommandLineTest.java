package io.kindred.jobs.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.jobs.CleanTransactionsCommand;
import io.kindred.jobs.Kindred;
import io.kindred.jobs.cli.CommandLine;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The cleaning commands' options; none of these start Spark. */
class CleanCommandLineTest {

  @Test
  void optionsAreParsedAndTyped() {
    CommandLine.Parsed parsed = CommandLine.parse(Kindred.commands(), "clean-transactions", "--run-date",
        "2026-03-04", "--from-date", "2026-03-01", "--input", "/data/raw/transactions", "--source", "cdnow");

    CleanTransactionsCommand command = (CleanTransactionsCommand) parsed.command();
    assertEquals(LocalDate.of(2026, 3, 1), command.clean().fromDate(command.common().runDate()));
    assertEquals("/data/raw/transactions", command.clean().input());
    assertEquals("cdnow", command.clean().source("generator-transactions"));
  }

  @Test
  void aFromDateAfterTheRunDateIsAUsageError() {
    CommandLine.Parsed parsed = CommandLine.parse(Kindred.commands(), "clean-customers", "--run-date", "2026-03-04",
        "--from-date", "2026-03-05", "--input", "/x");

    assertEquals(CommandLine.USAGE, parsed.exitCode());
    assertTrue(parsed.stderr().startsWith("Error: --from-date 2026-03-05 is after the run date 2026-03-04; expected "
        + "a day on or before it"), parsed.stderr());
  }

  @Test
  void theInputIsRequired() {
    CommandLine.Parsed parsed = CommandLine.parse(Kindred.commands(), "clean-interactions", "--run-date",
        "2026-03-04");

    assertEquals(CommandLine.USAGE, parsed.exitCode());
    assertTrue(parsed.stderr().contains("--input"), parsed.stderr());
  }
}
