package io.kindred.jobs.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.config.KindredConfig;
import io.kindred.jobs.social.SocialRuns.Mode;
import io.kindred.jobs.social.SocialRuns.Plan;
import io.kindred.jobs.social.SocialRuns.Prior;
import io.kindred.social.SocialSettings;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The choice between a full recompute and an incremental night, on recorded run details (no Spark). */
class SocialRunsTest {

  private static final LocalDate D = LocalDate.of(2026, 3, 31);
  private static final String WEIGHTS = "{comment=1.0, follow=1.0, like=0.5, mention=1.5, referral=3.0, share=2.0}";

  private static SocialSettings settings(Map<String, String> overrides) {
    return SocialSettings.fromConfig(KindredConfig.load(null, overrides).raw(), "kindred.social");
  }

  private static final SocialSettings DEFAULTS = settings(Map.of());

  /** The details a succeeded run of {@code asOf} recorded. */
  private static Map<String, String> details(String mode, LocalDate lastFull) {
    Map<String, String> d = new HashMap<>();
    d.put(SocialRuns.WEIGHTS, WEIGHTS);
    d.put(SocialRuns.GRAPH_WINDOW_DAYS, "90");
    d.put(SocialRuns.MODE, mode);
    d.put(SocialRuns.LAST_FULL_AS_OF, lastFull.toString());
    d.put(SocialRuns.INTERACTIONS_READ, "1200");
    d.put(SocialRuns.INTERACTIONS_FINGERPRINT, "5e1f00d");
    return d;
  }

  private static Optional<Prior> prior(LocalDate asOf, Map<String, String> details) {
    return Optional.of(new Prior(asOf, List.of("run-p"), "succeeded", details));
  }

  @Test
  void incrementalFromTheNightBeforeUntilTheFullRecomputeIsDue() {
    Plan plan = SocialRuns.plan(D, DEFAULTS, false, prior(D.minusDays(1), details("incremental",
        D.minusDays(6))));

    assertEquals(Mode.INCREMENTAL, plan.mode());
    assertEquals(D.minusDays(6), plan.lastFullAsOf());
    assertEquals("social features of 2026-03-31: incremental from the snapshot of 2026-03-30 (warm-started PageRank "
        + "and label propagation, 30/90-day counts folded): same weights and graph window; last full recompute of "
        + "2026-03-25, 6 days before, next due of 2026-04-01", plan.describe(D));
    // a full night counts as the last full recompute
    assertEquals(D.minusDays(1), SocialRuns.plan(D, DEFAULTS, false, prior(D.minusDays(1), details("full",
        D.minusDays(1)))).lastFullAsOf());
  }

  @Test
  void periodicFullRecomputeCountsFromTheLastFullNight() {
    Plan plan = SocialRuns.plan(D, DEFAULTS, false, prior(D.minusDays(1), details("incremental", D.minusDays(7))));

    assertEquals(Mode.FULL, plan.mode());
    assertEquals(D, plan.lastFullAsOf());
    assertEquals("social features of 2026-03-31: full recompute: periodic full recompute due: the last was of "
        + "2026-03-24, 7 days before (kindred.social.full-recompute-every-days = 7)", plan.describe(D));
    assertEquals(Mode.FULL, SocialRuns.plan(D, settings(Map.of("kindred.social.full-recompute-every-days", "1")),
        false, prior(D.minusDays(1), details("full", D.minusDays(1)))).mode());
  }

  @Test
  void fullRecomputeReasons() {
    Map<String, String> good = details("incremental", D.minusDays(2));
    Map<String, String> otherWeights = new HashMap<>(good);
    otherWeights.put(SocialRuns.WEIGHTS, WEIGHTS.replace("like=0.5", "like=1.0"));
    Map<String, String> legacy = new HashMap<>(good);
    List.of(SocialRuns.MODE, SocialRuns.LAST_FULL_AS_OF, SocialRuns.INTERACTIONS_FINGERPRINT)
        .forEach(legacy::remove);
    LocalDate p = D.minusDays(1);

    assertEquals("no earlier snapshot in gold/social_features",
        SocialRuns.plan(D, DEFAULTS, false, Optional.empty()).reason());
    assertEquals("--full-recompute given", SocialRuns.plan(D, DEFAULTS, true, prior(p, good)).reason());
    assertEquals("kindred.social.incremental is false", SocialRuns.plan(D,
        settings(Map.of("kindred.social.incremental", "false")), false, prior(p, good)).reason());
    assertEquals("kindred.social.weights changed since the snapshot of 2026-03-30: {comment=1.0, follow=1.0, "
        + "like=1.0, mention=1.5, referral=3.0, share=2.0} then, " + WEIGHTS + " now",
        SocialRuns.plan(D, DEFAULTS, false, prior(p, otherWeights)).reason());
    assertEquals("kindred.social.graph-window-days changed since the snapshot of 2026-03-30: 90 then, 60 now",
        SocialRuns.plan(D, settings(Map.of("kindred.social.graph-window-days", "60")), false, prior(p, good))
            .reason());
    assertEquals("the snapshot of 2026-03-30 was written by run run-p, which has status failed in ops/run_metrics",
        SocialRuns.plan(D, DEFAULTS, false, Optional.of(new Prior(p, List.of("run-p"), "failed", good))).reason());
    assertEquals("the snapshot of 2026-03-30 was written by run run-p, which has no row in ops/run_metrics",
        SocialRuns.plan(D, DEFAULTS, false, Optional.of(new Prior(p, List.of("run-p"), null, Map.of()))).reason());
    // a snapshot from before incremental nights: a full night, but without the fingerprint to check
    assertEquals("the run of 2026-03-30 recorded no fingerprint of the interactions it read",
        SocialRuns.plan(D, DEFAULTS, false, prior(p, legacy)).reason());
  }

  @Test
  void badSettingsNameTheKeyTheValueAndWhatIsExpected() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> settings(Map.of("kindred.social.full-recompute-every-days", "0")));
    IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
        () -> settings(Map.of("kindred.social.full-recompute-every-days", "weekly")));
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
        () -> settings(Map.of("kindred.social.incremental", "sometimes")));

    assertEquals("Configuration section kindred.social: full-recompute-every-days is 0, expected a whole number of "
        + "days, at least 1 (1: a full recompute every night)", zero.getMessage());
    // a word where a number belongs, or a flag that is neither true nor false, is the loader's own check
    assertEquals("Configuration: kindred.social.full-recompute-every-days (command line): 'weekly' is not a number. "
        + "Every setting is documented in conf/kindred.conf.", word.getMessage());
    assertEquals("Configuration: kindred.social.incremental (command line): 'sometimes' is not true or false. Every "
        + "setting is documented in conf/kindred.conf.", flag.getMessage());
  }
}
