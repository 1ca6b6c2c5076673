package io.kindred.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

  private static RunMetrics metrics() {
    return new RunMetrics("clean-transactions", "run-1", LocalDate.of(2026, 11, 22),
        Instant.parse("2026-11-23T01:00:00Z"));
  }

  @Test
  void balancedRunPassesTheCheck() {
    RunMetrics metrics = metrics().addRowsIn(10).addRowsWritten(6).addQuarantined("bad_timestamp", 2)
        .addQuarantined("malformed_record", 1).addDuplicatesDropped(1);

    metrics.requireBalanced();

    assertEquals(3, metrics.rowsQuarantined());
    assertEquals("rows in 10, written 6, quarantined 3 (bad_timestamp=2, malformed_record=1), duplicates dropped 1",
        metrics.summary());
  }

  @Test
  void unbalancedRunNamesEveryFigure() {
    RunMetrics metrics = metrics().addRowsIn(10).addRowsWritten(6).addQuarantined("bad_timestamp", 2);

    IllegalStateException e = assertThrows(IllegalStateException.class, metrics::requireBalanced);

    assertEquals("Row accounting of clean-transactions run run-1 does not balance: rows in 10 != written 6 + "
        + "quarantined 2 {bad_timestamp=2} + duplicates dropped 0 (= 8)", e.getMessage());
  }
}
