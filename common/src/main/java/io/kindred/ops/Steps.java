package io.kindred.ops;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Times a job's steps and logs the start and end of each, so that a data engineer reading the log knows what
 * ran and how long it took; a step still running after {@link #PROGRESS_EVERY_SECONDS} logs its progress at that
 * interval (from {@link SparkProgress} when given). Durations go into the run metrics.
 */
public final class Steps {

  /** How often a long step reports progress. */
  public static final long PROGRESS_EVERY_SECONDS = 30;

  private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "kindred-progress");
    thread.setDaemon(true);
    return thread;
  });

  private final Logger log;
  private final Supplier<String> progress;
  private final Map<String, Long> durationsMs = new LinkedHashMap<>();

  /** Steps that log start, end and duration. */
  public Steps(Logger log) {
    this(log, () -> "");
  }

  /** Steps that also log {@code progress} every {@link #PROGRESS_EVERY_SECONDS} while a step runs. */
  public Steps(Logger log, Supplier<String> progress) {
    this.log = log;
    this.progress = progress;
  }

  /** Runs {@code step}, logging its start and its duration; a failure is logged with the step's name. */
  public <T> T run(String name, Callable<T> step) {
    log.info("step '{}' started", name);
    if (name.equals(System.getProperty(PAUSE_IN_STEP))) {
      pauseForEver(name);
    }
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    ScheduledFuture<?> ticker = TICKER.scheduleAtFixedRate(() -> {
      String done = progress.get();
      log.info("step '{}' running for {}{}", name, formatMillis((System.nanoTime() - start) / 1_000_000),
          done.isEmpty() ? "" : ": " + done);
    }, PROGRESS_EVERY_SECONDS, PROGRESS_EVERY_SECONDS, TimeUnit.SECONDS);
    try {
      T result = step.call();
      long ms = (System.nanoTime() - start) / 1_000_000;
      durationsMs.merge(name, ms, Long::sum);
      long cpuMs = (processCpuNanos() - cpuStart) / 1_000_000;
      log.info("step '{}' done in {}{}", name, formatMillis(ms), cpuStart < 0 ? "" : " (CPU of this JVM "
          + formatMillis(cpuMs) + ")");
      return result;
    } catch (RuntimeException e) {
      log.error("step '{}' failed after {}: {}", name, formatMillis((System.nanoTime() - start) / 1_000_000),
          e.getMessage());
      throw e;
    } catch (Exception e) {
      log.error("step '{}' failed after {}: {}", name, formatMillis((System.nanoTime() - start) / 1_000_000),
          e.getMessage());
      throw new IllegalStateException("Step '" + name + "' failed: " + e.getMessage(), e);
    } finally {
      ticker.cancel(false);
    }
  }

  /**
   * CPU time of this JVM in nanoseconds (all its threads: with a local master that includes the Spark executors'
   * tasks), or -1 where the platform does not say; on a busy machine a steadier measure than the wall time.
   */
  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * Fault injection for tests of what a killed run leaves: with the JVM property {@value #PAUSE_IN_STEP} set to a
   * step's name, a run stops at that step's start and waits until its process is killed.
   */
  public static final String PAUSE_IN_STEP = "kindred.fault.pause-in-step";

  private void pauseForEver(String name) {
    log.warn("step '{}' paused ({} is set): waiting to be killed", name, PAUSE_IN_STEP);
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Step '" + name + "' paused for fault injection was interrupted", e);
      }
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
