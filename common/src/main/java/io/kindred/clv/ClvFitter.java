package io.kindred.clv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maximum-likelihood fits of the CLV models on the driver: pure Java, no Spark. Each returns a {@link ClvFit}, or
 * fails: {@link IllegalArgumentException} for data that cannot identify the model (too few repeat buyers),
 * {@link ClvFitException} when the optimiser does not converge or the optimum is not a proper maximum. No fallback
 * parameters are ever returned.
 */
public final class ClvFitter {

  private static final Logger LOG = LoggerFactory.getLogger(ClvFitter.class);

  private ClvFitter() {
  }

  /** Fits BG/NBD with {@link FitOptions#DEFAULT}. */
  public static ClvFit<BgNbdParams> fitBgNbd(RfmTriples data) {
    return fitBgNbd(data, FitOptions.DEFAULT);
  }

  /**
   * Fits BG/NBD, starting from {@code r = a = b = 1} and {@code alpha = max(T) / 10} (the scale lifetimes starts
   * from).
   *
   * @throws IllegalArgumentException when fewer than {@code options.minRepeatBuyers()} customers have {@code x >= 1}:
   *                                  with no repeat purchase the dropout process is not identified
   */
  public static ClvFit<BgNbdParams> fitBgNbd(RfmTriples data, FitOptions options) {
    MaximumLikelihood.Optimum o = fitBetaGeometric(BgNbdParams.MODEL, data, false, options);
    double[] v = MaximumLikelihood.exp(o.logParams());
    return record(new BgNbdParams(v[0], v[1], v[2], v[3]), o, data.customers(), data.size());
  }

  /** Fits MBG/NBD with {@link FitOptions#DEFAULT}. */
  public static ClvFit<ModifiedBgNbdParams> fitModifiedBgNbd(RfmTriples data) {
    return fitModifiedBgNbd(data, FitOptions.DEFAULT);
  }

  /** Fits MBG/NBD; as {@link #fitBgNbd(RfmTriples, FitOptions)}. */
  public static ClvFit<ModifiedBgNbdParams> fitModifiedBgNbd(RfmTriples data, FitOptions options) {
    MaximumLikelihood.Optimum o = fitBetaGeometric(ModifiedBgNbdParams.MODEL, data, true, options);
    double[] v = MaximumLikelihood.exp(o.logParams());
    return record(new ModifiedBgNbdParams(v[0], v[1], v[2], v[3]), o, data.customers(), data.size());
  }

  /** Fits Pareto/NBD with {@link FitOptions#DEFAULT}. */
  public static ClvFit<ParetoNbdParams> fitParetoNbd(RfmTriples data) {
    return fitParetoNbd(data, FitOptions.DEFAULT);
  }

  /**
   * Fits Pareto/NBD, starting from {@code r = s = 1} and {@code alpha = beta = max(T) / 10}.
   *
   * @throws IllegalArgumentException when fewer than {@code options.minRepeatBuyers()} customers have {@code x >= 1}
   */
  public static ClvFit<ParetoNbdParams> fitParetoNbd(RfmTriples data, FitOptions options) {
    String model = ParetoNbdParams.MODEL;
    checkPurchaseData(model, data, options);
    double scale = Math.log(data.maxAge() / 10);
    double[] start = {0, scale, 0, scale};
    LOG.info("fitting {} on {} customers, {} distinct triples", model, data.customers(), data.size());
    MaximumLikelihood.Optimum o;
    try {
      o = MaximumLikelihood.maximise(model, new ParetoNbdLikelihood(data), start, options);
    } catch (ClvFitException e) {
      throw new ClvFitException(e.getMessage() + ". Pareto/NBD is fitted where neither alpha nor beta (each plus the "
          + "smallest t_x) is more than " + (long) ParetoNbdLikelihood.MAX_PARAMETER_RATIO + " times the other; an "
          + "optimum beyond (s and beta growing together: every customer with about the same dropout rate) is not "
          + "identified by these data: use kindred.features.clv.model = bg_nbd or mbg_nbd", e,
          e.logLikelihoodWhereStopped());
    }
    double[] v = MaximumLikelihood.exp(o.logParams());
    return record(new ParetoNbdParams(v[0], v[1], v[2], v[3]), o, data.customers(), data.size());
  }

  /** Fits Gamma-Gamma with {@link FitOptions#DEFAULT}. */
  public static ClvFit<GammaGammaParams> fitGammaGamma(SpendSummaries data) {
    return fitGammaGamma(data, FitOptions.DEFAULT);
  }

  /**
   * Fits Gamma-Gamma on repeat buyers, starting from {@code p = q = 1} and {@code gamma} = the mean of {@code mbar}.
   * With {@link FitOptions#gammaGammaShapePenalty()} {@code > 0} it maximises the penalised likelihood instead (see
   * there); the fit then records the unpenalised log-likelihood at its parameters and names the penalty in its
   * convergence.
   *
   * @throws IllegalArgumentException when there are fewer than {@code options.minRepeatBuyers()} customers
   * @throws ClvFitException when the fit does not converge to a proper maximum; without a penalty, the message adds
   *                         the spend-frequency correlation of the data and the setting that gives a finite fit
   */
  public static ClvFit<GammaGammaParams> fitGammaGamma(SpendSummaries data, FitOptions options) {
    checkSpendData(data, options);
    double[] start = {0, 0, Math.log(data.meanSpend())};
    double penalty = options.gammaGammaShapePenalty();
    LOG.info("fitting {} on {} customers, {} rows{}", GammaGammaParams.MODEL, data.customers(), data.size(),
        penalty > 0 ? ", shape penalty " + penalty : "");
    GammaGammaLikelihood likelihood = new GammaGammaLikelihood(data);
    MaximumLikelihood.Optimum o;
    try {
      o = MaximumLikelihood.maximise(GammaGammaParams.MODEL,
          penalty > 0 ? new PenalisedLikelihood(likelihood, penalty, 0, 1) : likelihood, start, options);
    } catch (ClvFitException e) {
      if (penalty > 0) {
        throw e;
      }
      throw new ClvFitException(String.format("%s%nThe Gamma-Gamma likelihood of these %d repeat buyers may have no"
          + " maximum: when spend varies less within customers than between them the fit drives p to infinity, as"
          + " when spend goes with purchase frequency (here the correlation of x and mean spend is %.3f; the model"
          + " assumes none). kindred.features.clv.gamma-gamma-shape-penalty = 0.001 (or up to 0.01) fits a"
          + " penalised model that stays finite.", e.getMessage(), data.customers(), data.frequencySpendCorrelation()),
          e, e.logLikelihoodWhereStopped());
    }
    double[] v = MaximumLikelihood.exp(o.logParams());
    if (penalty > 0) {
      o = new MaximumLikelihood.Optimum(o.logParams(), likelihood.value(o.logParams(), null), o.standardErrors(),
          o.iterations(), o.convergence() + ", shape penalty " + penalty, FitStatus.PENALISED, o.gradientNorm(),
          o.newtonStep(), o.fitTime());
    }
    return record(new GammaGammaParams(v[0], v[1], v[2]), o, data.customers(), data.size());
  }

  /**
   * Fits BG/NBD and its {@code a -> 0} limit (nobody drops out, {@link #noDropoutLimit}), and returns the limit when
   * the likelihood's supremum is there: when the full fit fails (a Hessian that is not negative definite, an optimum
   * still standard errors away) or is accepted with a log-likelihood no higher than the limit's. Otherwise the full
   * fit; its error when neither is a maximum.
   */
  public static ClvFit<? extends TransactionModel> fitBgNbdOrLimit(RfmTriples data, FitOptions options) {
    ClvFit<BgNbdParams> full;
    try {
      full = fitBgNbd(data, options);
    } catch (ClvFitException e) {
      return noDropoutLimit(BgNbdParams.MODEL, data, options, e.logLikelihoodWhereStopped(), e);
    }
    ClvFit<NoDropoutLimit> limit = noDropoutLimit(BgNbdParams.MODEL, data, options, full.logLikelihood(), null);
    return limit != null ? limit : full;
  }

  /** Fits MBG/NBD, or its {@code a -> 0} limit; as {@link #fitBgNbdOrLimit}. */
  public static ClvFit<? extends TransactionModel> fitModifiedBgNbdOrLimit(RfmTriples data, FitOptions options) {
    ClvFit<ModifiedBgNbdParams> full;
    try {
      full = fitModifiedBgNbd(data, options);
    } catch (ClvFitException e) {
      return noDropoutLimit(ModifiedBgNbdParams.MODEL, data, options, e.logLikelihoodWhereStopped(), e);
    }
    ClvFit<NoDropoutLimit> limit = noDropoutLimit(ModifiedBgNbdParams.MODEL, data, options, full.logLikelihood(),
        null);
    return limit != null ? limit : full;
  }

  /**
   * Fits Gamma-Gamma and, without a shape penalty, its {@code p -> infinity} limit ({@link #constantSpendLimit}),
   * and returns the limit when the likelihood's supremum is there; as {@link #fitBgNbdOrLimit}. With a penalty, the
   * penalised fit or its error. When every repeat buyer's mean spend is one value, neither has a maximum: the
   * {@code p, q -> infinity} limit ({@link #sameSpendLimit}), penalty or not.
   */
  public static ClvFit<? extends SpendModel> fitSpendModel(SpendSummaries data, FitOptions options) {
    ClvFit<SameSpendLimit> same = sameSpendLimit(data, options);
    if (same != null) {
      return same;
    }
    if (options.gammaGammaShapePenalty() > 0) {
      return fitGammaGamma(data, options);
    }
    ClvFit<GammaGammaParams> full;
    try {
      full = fitGammaGamma(data, options);
    } catch (ClvFitException e) {
      return constantSpendLimit(data, options, e.logLikelihoodWhereStopped(), e);
    }
    ClvFit<ConstantSpendLimit> limit = constantSpendLimit(data, options, full.logLikelihood(), null);
    return limit != null ? limit : full;
  }

  /**
   * The {@code a -> 0} boundary solution of BG/NBD or MBG/NBD: the NBD likelihood (the limit of both as
   * {@code a -> 0}, {@link NbdLikelihood}) fitted in {@code r, alpha}. Accepted, with status {@code boundary}, when it
   * is a proper maximum and its log-likelihood is at least {@code fullLogLikelihood} (that of the full model's fit,
   * or where it stopped when it failed) less {@link #BOUNDARY_TOLERANCE}: the full model's supremum is then on
   * that boundary (or no better point was found). Standard errors of {@code r} and {@code alpha} are those of the limiting model;
   * {@code a} has none and {@code b}, not identified, is not recorded. Logs a warning.
   *
   * @param failure the full fit's error, or null when it was accepted
   * @return the boundary fit, or null when it is not accepted and the full fit was
   * @throws ClvFitException {@code failure} (with the limit's figures) when it is not accepted and the full fit failed
   */
  static ClvFit<NoDropoutLimit> noDropoutLimit(String model, RfmTriples data, FitOptions options,
                                               double fullLogLikelihood, ClvFitException failure) {
    MaximumLikelihood.Optimum o = boundaryOptimum(model, NoDropoutLimit.BOUNDARY, new NbdLikelihood(data),
        new double[] {0, Math.log(data.maxAge() / 10)}, options, fullLogLikelihood, failure);
    if (o == null) {
      return null;
    }
    double[] v = MaximumLikelihood.exp(o.logParams());
    double[] se = o.standardErrors();
    return boundaryFit(model, new NoDropoutLimit(model, v[0], v[1]), new double[] {se[0], se[1], Double.NaN}, o,
        data.customers(), data.size(), NoDropoutLimit.BOUNDARY, "nobody drops out; b is not identified",
        fullLogLikelihood, failure);
  }

  /**
   * The {@code p -> infinity} boundary solution of Gamma-Gamma: the inverse-gamma likelihood of mean spend
   * ({@link InverseGammaLikelihood}, the limit as {@code p -> infinity} with {@code p gamma} fixed) fitted in
   * {@code q, p gamma}; accepted as {@link #noDropoutLimit} is.
   */
  static ClvFit<ConstantSpendLimit> constantSpendLimit(SpendSummaries data, FitOptions options,
                                                       double fullLogLikelihood, ClvFitException failure) {
    // start at q = 2 and the mean spend: the inverse gamma's mean theta / (q - 1)
    MaximumLikelihood.Optimum o = boundaryOptimum(GammaGammaParams.MODEL, ConstantSpendLimit.BOUNDARY,
        new InverseGammaLikelihood(data), new double[] {Math.log(2), Math.log(data.meanSpend())}, options,
        fullLogLikelihood, failure);
    if (o == null) {
      return null;
    }
    double[] v = MaximumLikelihood.exp(o.logParams());
    return boundaryFit(GammaGammaParams.MODEL, new ConstantSpendLimit(v[0], v[1]), o.standardErrors(), o,
        data.customers(), data.size(), ConstantSpendLimit.BOUNDARY,
        "each customer's purchases all of one value; a repeat buyer's expected spend is their own mean",
        fullLogLikelihood, failure);
  }

  /**
   * The {@code p, q -> infinity} limit of Gamma-Gamma ({@link SameSpendLimit}) when every repeat buyer's mean spend
   * is one value (their spread at most {@value #SAME_SPEND_RELATIVE_SPREAD} of it: decimal amounts averaged in
   * doubles); null otherwise. Logs a warning.
   *
   * @throws IllegalArgumentException when there are fewer than {@code options.minRepeatBuyers()} customers
   */
  static ClvFit<SameSpendLimit> sameSpendLimit(SpendSummaries data, FitOptions options) {
    checkSpendData(data, options);
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (int i = 0; i < data.size(); i++) {
      min = Math.min(min, data.mbar(i));
      max = Math.max(max, data.mbar(i));
    }
    if (max - min > SAME_SPEND_RELATIVE_SPREAD * max) {
      return null;
    }
    double mean = data.meanSpend();
    ClvFit<SameSpendLimit> fit = new ClvFit<>(new SameSpendLimit(mean), new double[] {Double.NaN},
        Double.POSITIVE_INFINITY, data.customers(), data.size(), 0, String.format(java.util.Locale.ROOT,
        "limit at %s (every repeat buyer's purchases average %s: the likelihood grows without bound; expected spend "
        + "is that value)", SameSpendLimit.BOUNDARY, mean), FitStatus.BOUNDARY, Double.NaN, Double.NaN,
        java.time.Duration.ZERO, SameSpendLimit.BOUNDARY);
    LOG.warn("{}: every one of the {} repeat buyers' mean spend is {}; the likelihood has no maximum (both shapes grow"
        + " without bound): recording and scoring with the limit {}, expected spend {} for every customer",
        GammaGammaParams.MODEL, data.customers(), mean, SameSpendLimit.BOUNDARY, mean);
    return fit;
  }

  /** See {@link #sameSpendLimit}. */
  static final double SAME_SPEND_RELATIVE_SPREAD = 1e-9;

  /**
   * Tolerance of the comparison that accepts a boundary solution: {@value #BOUNDARY_TOLERANCE} in total
   * log-likelihood plus {@value #BOUNDARY_TOLERANCE_PER_CUSTOMER} per customer. A full fit that stopped higher by no
   * more is no evidence against the boundary (a likelihood-ratio statistic of 0.002), and far out along the boundary
   * path (p = 1e7) the full likelihood's own rounding is of that order.
   */
  static final double BOUNDARY_TOLERANCE = 1e-3;

  /** See {@link #BOUNDARY_TOLERANCE}. */
  static final double BOUNDARY_TOLERANCE_PER_CUSTOMER = 1e-7;

  /** The limit's optimum when accepted; null when not and the full fit was; else throws {@code failure}. */
  private static MaximumLikelihood.Optimum boundaryOptimum(String model, String boundary, LogLikelihood limit,
      double[] start, FitOptions options, double fullLogLikelihood, ClvFitException failure) {
    if (failure != null && !Double.isFinite(fullLogLikelihood)) {
      throw failure;
    }
    MaximumLikelihood.Optimum o;
    try {
      o = MaximumLikelihood.maximise(model + " at " + boundary, limit, start, options);
    } catch (ClvFitException limitFailure) {
      if (failure == null) {
        LOG.info("{}: its limit at {} has no maximum either ({}); keeping the fit", model, boundary,
            firstLine(limitFailure.getMessage()));
        return null;
      }
      failure.addSuppressed(limitFailure);
      throw failure;
    }
    if (o.logLikelihood() >= fullLogLikelihood - BOUNDARY_TOLERANCE
        - BOUNDARY_TOLERANCE_PER_CUSTOMER * limit.customers()) {
      return o;
    }
    if (failure == null) {
      return null;
    }
    throw new ClvFitException(String.format(java.util.Locale.ROOT, "%s%nIts limit at %s has log-likelihood %.6f,"
        + " below the %.6f where the fit stopped, so the optimum is not on that boundary.", failure.getMessage(),
        boundary, o.logLikelihood(), fullLogLikelihood), failure, fullLogLikelihood);
  }

  private static <P extends ClvParams> ClvFit<P> boundaryFit(String model, P params, double[] standardErrors,
      MaximumLikelihood.Optimum o, long customers, long rows, String boundary, String meaning,
      double fullLogLikelihood, ClvFitException failure) {
    ClvFit<P> fit = new ClvFit<>(params, standardErrors, o.logLikelihood(), customers, rows, o.iterations(),
        "limit at " + boundary + " (" + meaning + "): " + o.convergence(), FitStatus.BOUNDARY, o.gradientNorm(),
        o.newtonStep(), o.fitTime(), boundary);
    LOG.warn("{} has no interior maximum ({}); its likelihood is highest at the boundary {}, log-likelihood {} against"
        + " {} of the full model: recording and scoring with the limit. Fitted {}", model,
        failure == null ? "the full fit was accepted no higher" : firstLine(failure.getMessage()), boundary,
        o.logLikelihood(), fullLogLikelihood, fit);
    return fit;
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  private static MaximumLikelihood.Optimum fitBetaGeometric(String model, RfmTriples data, boolean modified,
                                                            FitOptions options) {
    checkPurchaseData(model, data, options);
    double[] start = {0, Math.log(data.maxAge() / 10), 0, 0};
    LOG.info("fitting {} on {} customers, {} distinct triples", model, data.customers(), data.size());
    return MaximumLikelihood.maximise(model, new BgNbdLikelihood(data, modified), start, options);
  }

  private static void checkSpendData(SpendSummaries data, FitOptions options) {
    if (data.customers() < options.minRepeatBuyers()) {
      throw new IllegalArgumentException(GammaGammaParams.MODEL + " needs at least " + options.minRepeatBuyers()
          + " repeat buyers (x >= 1) to fit, got " + data.customers());
    }
  }

  private static void checkPurchaseData(String model, RfmTriples data, FitOptions options) {
    if (data.repeatBuyers() < options.minRepeatBuyers()) {
      throw new IllegalArgumentException(model + " needs at least " + options.minRepeatBuyers()
          + " customers with a repeat purchase (x >= 1) to identify the dropout process, got " + data.repeatBuyers()
          + " of " + data.customers() + " customers");
    }
    if (!(data.maxAge() > 0)) {
      throw new IllegalArgumentException(model + " needs some customer with T > 0, got max T = " + data.maxAge());
    }
  }

  private static <P extends ClvParams> ClvFit<P> record(P params, MaximumLikelihood.Optimum o, long customers,
                                                        long rows) {
    ClvFit<P> fit = new ClvFit<>(params, o.standardErrors(), o.logLikelihood(), customers, rows, o.iterations(),
        o.convergence(), o.status(), o.gradientNorm(), o.newtonStep(), o.fitTime(), null);
    LOG.info("fitted {}", fit);
    return fit;
  }
}
