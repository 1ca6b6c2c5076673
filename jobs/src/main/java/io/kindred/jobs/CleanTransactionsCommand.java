package io.kindred.jobs;

import com.beust.jcommander.Parameters;
import io.kindred.clean.Feed;
import io.kindred.jobs.clean.CleanCommand;

/**
 * {@code kindred clean-transactions}: clean one source's raw transactions (and its FX rates) for a run date into silver/transactions.
 *
 * <p>Reads {@code <input>/<yyyy-MM-dd>/} (daily sources) or {@code <input>} (single), and for the generator's
 * source the FX rates beside it ({@code <input>/../fx_rates/<yyyy-MM-dd>/}). Writes {@code silver/transactions}
 * (amounts in USD, returns negative), {@code silver/fx_rates}, {@code quarantine/transactions} and one row of
 * {@code ops/run_metrics}.
 *
 * <p>A re-run is safe: it replaces exactly the rows this source contributed for the delivery days it processes
 * (one Delta commit per table), so the tables end as after one run; exact duplicates of rows already in silver
 * from other days are dropped and counted. Fails (exit 1) when the input is missing, a file lacks a required
 * column, or the quarantine rate exceeds {@code kindred.quarantine.max-rate} (after writing everything).
 *
 * <p>Example: {@code ./kindred clean-transactions --run-date 2026-03-04 --input lakehouse/raw/transactions}
 */
@Parameters(commandNames = "clean-transactions", commandDescription = "Clean one source's raw transactions (and its FX rates) for a run date into silver/transactions.")
public final class CleanTransactionsCommand extends CleanCommand {

  public CleanTransactionsCommand() {
    super(Feed.TRANSACTIONS);
  }
}
