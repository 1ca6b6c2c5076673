package io.kindred.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts Spark's finished tasks and the tasks of the stages running now, so that a long step can log how far it
 * has got ({@link Steps} asks for {@link #describe()} while a step runs). One listener per SparkContext.
 */
public final class SparkProgress extends SparkListener {

  private static final Map<SparkContext, SparkProgress> BY_CONTEXT = new ConcurrentHashMap<>();

  private final AtomicLong tasksFinished = new AtomicLong();
  private final Map<Integer, int[]> activeStages = new ConcurrentHashMap<>();

  private SparkProgress() {
  }

  /** The listener of {@code context}, registered on first use. */
  public static SparkProgress of(SparkContext context) {
    return BY_CONTEXT.computeIfAbsent(context, c -> {
      SparkProgress progress = new SparkProgress();
      c.addSparkListener(progress);
      return progress;
    });
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    activeStages.put(event.stageInfo().stageId(), new int[] {event.stageInfo().numTasks(), 0});
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    activeStages.remove(event.stageInfo().stageId());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    tasksFinished.incrementAndGet();
    int[] counts = activeStages.get(event.stageId());
    if (counts != null) {
      synchronized (counts) {
        counts[1]++;
      }
    }
  }

  /** Tasks finished since the session started. */
  public long tasksFinished() {
    return tasksFinished.get();
  }

  /** E.g. {@code 2 stages running, 37 of 64 tasks done; 1,204 tasks finished in all}. */
  public String describe() {
    long total = 0;
    long done = 0;
    for (int[] counts : activeStages.values()) {
      synchronized (counts) {
        total += counts[0];
        done += counts[1];
      }
    }
    return String.format(java.util.Locale.ROOT, "%d stage%s running, %d of %d tasks done; %,d tasks finished in all",
        activeStages.size(), activeStages.size() == 1 ? "" : "s", done, total, tasksFinished.get());
  }
}
