package io.kindred.clv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purchase model chosen by evidence ({@code kindred.features.clv.model = auto}): every {@link PurchaseModel} is
 * fitted on the calibration histories of a {@link HoldoutSample} and judged on its holdout window by two figures.
 *
 * <ul>
 *   <li>{@link #meanAbsoluteError MAE}: the mean over customers of {@code |actual - E[purchases in the holdout |
 *       x, t_x, T]|}, the per-customer error of the conditional expectation the night's scores use;</li>
 *   <li>{@link #curveError curve error}: the mean, over the sample's curve times {@code t_1 < ... < t_K = length},
 *       of {@code |A(t_k) - E(t_k)|}, divided by the actual total {@code A(t_K)} (by 1 when the cohort made no holdout
 *       purchase): {@code A(t)} is the cohort's actual cumulative repeat purchases in {@code (calibration end,
 *       calibration end + t]}, {@code E(t)} the sum over its customers of their conditional expectations for
 *       {@code t}. 0 is a perfect curve; 0.05 means the expected curve is off by 5% of the holdout's purchases on
 *       average.</li>
 * </ul>
 *
 * The winner has the lowest MAE; on equal MAE (to the last bit), the lower curve error; on equal both, the first in
 * the order of {@link PurchaseModel#values()} (BG/NBD, MBG/NBD, Pareto/NBD: the simpler, longer-established model). A
 * candidate whose fit fails ({@link ClvFitException}) is kept as {@link FitStatus#FAILED} with its reason and cannot
 * win; when every candidate fails, the selection fails. Pure Java on the driver, no Spark.
 */
public final class PurchaseModelSelection {

  private static final Logger LOG = LoggerFactory.getLogger(PurchaseModelSelection.class);

  private PurchaseModelSelection() {
  }

  /**
   * One candidate: its fit and figures, or (fit null, figures NaN) the reason its fit failed.
   *
   * @param failure the {@link ClvFitException} message, null when the fit was accepted
   */
  public record Candidate(PurchaseModel model, ClvFit<? extends TransactionModel> fit, double mae,
                          double curveError, String failure) {

    /** {@link FitStatus#FAILED} for a failed fit, else the fit's status. */
    public FitStatus status() {
      return fit == null ? FitStatus.FAILED : fit.status();
    }
  }

  /** Every candidate, in the order of {@link PurchaseModel#values()}, and the winner among them. */
  public record Selection(List<Candidate> candidates, Candidate winner) {

    public Selection {
      candidates = List.copyOf(candidates);
    }

    /**
     * One line for the log: {@code pareto_nbd won on the holdout (MAE 0.812 vs bg_nbd 0.815, mbg_nbd 0.833; curve
     * error 0.041 vs bg_nbd 0.052, mbg_nbd 0.060)}; a failed candidate is named as such.
     */
    public String describe() {
      List<Candidate> others = candidates.stream().filter(c -> c != winner).toList();
      String maes = others.stream().map(c -> c.fit() == null ? c.model().code() + " failed"
          : String.format(Locale.ROOT, "%s %.3f", c.model().code(), c.mae())).collect(Collectors.joining(", "));
      String curves = others.stream().filter(c -> c.fit() != null)
          .map(c -> String.format(Locale.ROOT, "%s %.3f", c.model().code(), c.curveError()))
          .collect(Collectors.joining(", "));
      return String.format(Locale.ROOT, "%s won on the holdout (MAE %.3f vs %s; curve error %.3f%s)",
          winner.model().code(), winner.mae(), maes, winner.curveError(), curves.isEmpty() ? "" : " vs " + curves);
    }
  }

  /**
   * Fits every purchase model on {@code sample.calibration()} and compares them on its holdout.
   *
   * @throws IllegalArgumentException when the data cannot identify the models (too few repeat buyers: the same for
   *                                  every candidate)
   * @throws ClvFitException          when no candidate's fit is accepted, with every candidate's reason
   */
  public static Selection select(HoldoutSample sample, FitOptions options) {
    RfmTriples calibration = sample.calibration();
    List<Candidate> candidates = new ArrayList<>();
    for (PurchaseModel model : PurchaseModel.values()) {
      ClvFit<? extends TransactionModel> fit;
      try {
        fit = model.fit(calibration, options);
      } catch (ClvFitException e) {
        LOG.warn("purchase model auto: the {} candidate is left out: {}", model.code(), e.getMessage());
        candidates.add(new Candidate(model, null, Double.NaN, Double.NaN, e.getMessage()));
        continue;
      }
      candidates.add(new Candidate(model, fit, meanAbsoluteError(fit.params(), sample),
          curveError(fit.params(), sample), null));
    }
    Candidate winner = candidates.stream().filter(c -> c.fit() != null)
        .min(Comparator.comparingDouble(Candidate::mae).thenComparingDouble(Candidate::curveError)
            .thenComparingInt(c -> c.model().ordinal()))
        .orElseThrow(() -> new ClvFitException("purchase model auto: no candidate could be fitted: "
            + candidates.stream().map(c -> c.model().code() + ": " + c.failure()).collect(Collectors.joining("; "))));
    return new Selection(candidates, winner);
  }

  /** The mean over the sample's customers of {@code |actual - model's expected purchases in the holdout|}. */
  public static double meanAbsoluteError(TransactionModel model, HoldoutSample sample) {
    double sum = 0;
    for (int i = 0; i < sample.size(); i++) {
      double expected = model.expectedPurchases(sample.length(), sample.x(i), sample.tx(i), sample.age(i));
      sum += sample.count(i) * Math.abs(sample.actual(i) - expected);
    }
    return sum / sample.customers();
  }

  /** The cumulative-purchases curve error of {@code model} on the sample: see the class comment. */
  public static double curveError(TransactionModel model, HoldoutSample sample) {
    double[] times = sample.curveTimes();
    double[] actual = sample.cumulativeActual();
    double sum = 0;
    for (int k = 0; k < times.length; k++) {
      double expected = 0;
      for (int i = 0; i < sample.size(); i++) {
        expected += sample.count(i) * model.expectedPurchases(times[k], sample.x(i), sample.tx(i), sample.age(i));
      }
      sum += Math.abs(actual[k] - expected);
    }
    double total = actual[actual.length - 1];
    return sum / times.length / (total > 0 ? total : 1);
  }
}
