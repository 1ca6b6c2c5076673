package io.kindred.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.ops.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code kindred} command run as a data engineer runs it, in a JVM of its own, stopped at the start of one of its
 * steps ({@link Steps#PAUSE_IN_STEP}) and killed there with SIGKILL (kill -9).
 */
final class KilledChild {

  private static final String PAUSED = "paused (" + Steps.PAUSE_IN_STEP + " is set)";

  private KilledChild() {
  }

  /**
   * Runs {@code kindred args...} until it reaches {@code step}, then kills it -9; its output goes to {@code log}.
   *
   * @param overlay a configuration overlay for the child (its Spark settings), or null
   */
  static void killedAt(String step, Path log, Path overlay, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx1g", "-D" + Steps.PAUSE_IN_STEP + "=" + step));
    command.addAll(Stream.of(System.getProperty("kindred.spark.jvm.flags", "").split(" "))
        .filter(s -> !s.isBlank()).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kindred.jobs.Kindred"));
    command.addAll(List.of(args));
    command.addAll(List.of("--master", "local[2]"));
    if (overlay != null) {
      command.addAll(List.of("--config", overlay.toString()));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    try {
      while (!(Files.exists(log) && Files.readString(log).contains(PAUSED))) {
        assertTrue(p.isAlive(), () -> "the job reaches step '" + step + "'; it ended first:\n" + tail(log));
        assertTrue(System.nanoTime() < deadline, () -> "the job reaches step '" + step + "' in 5 minutes:\n"
            + tail(log));
        Thread.sleep(200);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL
    }
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
  }

  static String tail(Path log) {
    try {
      String text = Files.exists(log) ? Files.readString(log) : "";
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
