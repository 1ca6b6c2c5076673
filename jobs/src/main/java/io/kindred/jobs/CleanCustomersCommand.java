package io.kindred.jobs;

import com.beust.jcommander.Parameters;
import io.kindred.clean.Feed;
import io.kindred.jobs.clean.CleanCommand;

/**
 * {@code kindred clean-customers}: clean one source's raw customer records for a run date into silver/customers (history kept).
 *
 * <p>Reads {@code <input>/<yyyy-MM-dd>/}. Writes {@code silver/customers} (every version, SCD type 2, e-mail and
 * phone normalised; {@code is_current} marks the latest), {@code quarantine/customers} and one row of
 * {@code ops/run_metrics}.
 *
 * <p>A re-run is safe: it replaces exactly the rows this source contributed for the delivery days it processes
 * (one Delta commit per table), so the tables end as after one run; exact duplicates of rows already in silver
 * from other days are dropped and counted. Fails (exit 1) when the input is missing, a file lacks a required
 * column, or the quarantine rate exceeds {@code kindred.quarantine.max-rate} (after writing everything).
 *
 * <p>Example: {@code ./kindred clean-customers --run-date 2026-03-04 --input lakehouse/raw/customers}
 */
@Parameters(commandNames = "clean-customers", commandDescription = "Clean one source's raw customer records for a run date into silver/customers (history kept).")
public final class CleanCustomersCommand extends CleanCommand {

  public CleanCustomersCommand() {
    super(Feed.CUSTOMERS);
  }
}
