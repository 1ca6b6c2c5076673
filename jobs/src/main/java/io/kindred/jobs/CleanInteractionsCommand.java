package io.kindred.jobs;

import com.beust.jcommander.Parameters;
import io.kindred.clean.Feed;
import io.kindred.jobs.clean.CleanCommand;

/**
 * {@code kindred clean-interactions}: clean one source's raw social interactions for a run date into silver/interactions and rebuild silver/follows.
 *
 * <p>Reads {@code <input>/<yyyy-MM-dd>/}. Writes {@code silver/interactions}, {@code quarantine/interactions},
 * rebuilds {@code silver/follows} (follow edges with valid_from/valid_to) from all of silver/interactions, and
 * writes one row of {@code ops/run_metrics}.
 *
 * <p>A re-run is safe: it replaces exactly the rows this source contributed for the delivery days it processes
 * (one Delta commit per table), so the tables end as after one run; exact duplicates of rows already in silver
 * from other days are dropped and counted. Fails (exit 1) when the input is missing, a file lacks a required
 * column, or the quarantine rate exceeds {@code kindred.quarantine.max-rate} (after writing everything).
 *
 * <p>Example: {@code ./kindred clean-interactions --run-date 2026-03-04 --input lakehouse/raw/interactions}
 */
@Parameters(commandNames = "clean-interactions", commandDescription = "Clean one source's raw social interactions for a run date into silver/interactions and rebuild silver/follows.")
public final class CleanInteractionsCommand extends CleanCommand {

  public CleanInteractionsCommand() {
    super(Feed.INTERACTIONS);
  }
}
