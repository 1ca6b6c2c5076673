package io.kindred.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;

/**
 * Times a job's steps and logs the start and end of each, so that a data engineer reading the log knows what
 * ran and how long it took. Durations go into the run metrics.
 */
public final class Steps {

  private final Logger log;
  private final Map<String, Long> durationsMs = new LinkedHashMap<>();

  public Steps(Logger log) {
    this.log = log;
  }

  /** Runs {@code step}, logging its start and its duration; a failure is logged with the step's name. */
  public <T> T run(String name, Callable<T> step) {
    log.info("step '{}' started", name);
    long start = System.nanoTime();
    try {
      T result = step.call();
      long ms = (System.nanoTime() - start) / 1_000_000;
      durationsMs.merge(name, ms, Long::sum);
      log.info("step '{}' done in {}", name, formatMillis(ms));
      return result;
    } catch (RuntimeException e) {
      log.error("step '{}' failed after {}: {}", name, formatMillis((System.nanoTime() - start) / 1_000_000),
          e.getMessage());
      throw e;
    } catch (Exception e) {
      log.error("step '{}' failed after {}: {}", name, formatMillis((System.nanoTime() - start) / 1_000_000),
          e.getMessage());
      throw new IllegalStateException("Step '" + name + "' failed: " + e.getMessage(), e);
    }
  }

  /** Runs a step that returns nothing. */
  public void run(String name, Runnable step) {
    run(name, () -> {
      step.run();
      return null;
    });
  }

  /** Step name to milliseconds, in the order the steps first ran. */
  public Map<String, Long> durationsMs() {
    return Collections.unmodifiableMap(durationsMs);
  }

  /** {@code 1234} ms as {@code 1.2 s}, {@code 83000} as {@code 1 min 23 s}. */
  public static String formatMillis(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
  }
}
