/**
 * Customer lifetime value: the BG/NBD, Modified BG/NBD and Pareto/NBD purchase models and the Gamma-Gamma spend model,
 * fitted by maximum likelihood on the driver (pure Java, no Spark), and per-customer predictions that run anywhere
 * (every parameter and scorer class is {@link java.io.Serializable}).
 *
 * <h2>Input: the per-customer summary</h2>
 * For each customer, over a calibration window that ends at a fixed date, in one time unit ({@link
 * io.kindred.clv.PeriodUnit}: days or weeks):
 * <ul>
 *   <li>{@code x}: repeat purchases, i.e. purchase days after the first (several purchases on one day count once);</li>
 *   <li>{@code t_x}: time from the first purchase to the last (0 when {@code x = 0});</li>
 *   <li>{@code T}: time from the first purchase to the end of the window;</li>
 *   <li>{@code mbar}: the mean value of the {@code x} repeat purchases (the first purchase is left out, as in
 *       Fader, Hardie &amp; Lee and lifetimes), for the spend model.</li>
 * </ul>
 * The calibration window ends on a date, inclusive; {@code t_x} and {@code T} count days from the first purchase day
 * (divided by 7 for weeks). This is exactly how the published CDNOW summary follows from its purchases (checked for
 * all 2,357 customers by {@code CdnowSummaryDefinitionTest}).
 * The purchase-model fits take {@link io.kindred.clv.RfmTriples}: distinct {@code (x, t_x, T)} triples with
 * customer counts; the log-likelihood is {@code sum over triples of count * LL(triple)}, so a fit costs in distinct
 * triples, not customers. The spend fit takes {@link io.kindred.clv.SpendSummaries} of repeat buyers only.
 *
 * <h2>Models and parameterisation</h2>
 * <ul>
 *   <li><b>BG/NBD</b> (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy way"): while active, a
 *       customer buys as a Poisson process with rate {@code lambda}; after each repeat purchase they become inactive
 *       for good with probability {@code p}. Across customers {@code lambda ~ Gamma(shape r, rate alpha)} and
 *       {@code p ~ Beta(a, b)}. Parameters {@code r, alpha, a, b > 0}; {@code alpha} is in the time unit (mean rate
 *       {@code r / alpha} purchases per unit). {@link io.kindred.clv.BgNbdParams}.</li>
 *   <li><b>Modified BG/NBD</b> (Batislam, Denizel &amp; Filiztekin 2007; Wagner &amp; Hoppe 2008 for the
 *       conditional expectation): as BG/NBD, but a customer may also become inactive right after the first
 *       purchase, so customers with {@code x = 0} are not certainly active. Same four parameters.
 *       {@link io.kindred.clv.ModifiedBgNbdParams}.</li>
 *   <li><b>Pareto/NBD</b> (Schmittlein, Morrison &amp; Colombo 1987; likelihood and predictions from Fader &amp;
 *       Hardie 2005, "A note on deriving the Pareto/NBD model and related expressions"): while active, a customer
 *       buys as a Poisson process with rate {@code lambda}, and stays active for an exponential time with rate
 *       {@code mu}, so a customer may drop out at any time. Across customers {@code lambda ~ Gamma(shape r, rate
 *       alpha)} and {@code mu ~ Gamma(shape s, rate beta)}. Parameters {@code r, alpha, s, beta > 0}; {@code alpha}
 *       and {@code beta} are in the time unit. {@link io.kindred.clv.ParetoNbdParams}.</li>
 *   <li><b>Gamma-Gamma</b> (Fader, Hardie &amp; Lee 2005, "RFM and CLV"; Hardie's note 025): transaction values of a
 *       customer are {@code Gamma(shape p, rate nu)}, {@code nu ~ Gamma(shape q, rate gamma)} across customers,
 *       independent of the purchase process. Parameters {@code p, q, gamma > 0}. {@link
 *       io.kindred.clv.GammaGammaParams}.</li>
 * </ul>
 *
 * <h2>Fitting</h2>
 * {@link io.kindred.clv.ClvFitter} maximises the log-likelihood over log-parameters (positivity) with breeze's
 * L-BFGS (breeze 2.1.0, on Spark's classpath through MLlib) and analytic gradients (digamma). The BG/NBD likelihood
 * is lifetimes' log-sum-exp form, MBG/NBD's uses a stable softplus. Pareto/NBD's (the note's eq. 18-20) has a Gauss
 * hypergeometric term whose form depends on whether {@code alpha >= beta} or {@code alpha < beta}; both are taken
 * through Euler's transformation to {@code 2F1(1, b; c; z)} with {@code b < c}, whose terms fall for any {@code x},
 * with analytic derivatives of the series, and the two parts are combined in log space. A fit is a
 * {@link io.kindred.clv.ClvFit}: parameters, standard errors (inverse of the numerical Hessian of the log-likelihood
 * in log-parameters, mapped back by the delta method), total log-likelihood, customers, distinct rows, iterations,
 * breeze's convergence reason, the verdict ({@link io.kindred.clv.FitStatus}: {@code converged}, {@code boundary} when
 * a parameter is beyond 1e8 or below 1e-8, {@code penalised}) with the criterion that accepted it (the Newton step
 * to the optimum in standard errors, and the gradient norm), and the fit time; {@code ClvFitter} logs that verdict in
 * one line per fit, so breeze's own log lines can stay off. It either converges or throws:
 * {@link java.lang.IllegalArgumentException} when the data cannot identify the model (fewer than
 * {@link io.kindred.clv.FitOptions#minRepeatBuyers()} repeat buyers, default 10),
 * {@link io.kindred.clv.ClvFitException} with breeze's reason when the optimiser hits its iteration limit, the
 * Hessian is not negative definite, or the stopping point is more than 0.001 standard errors from the optimum of the
 * local quadratic. No default parameters are ever substituted. {@code fitBgNbdOrLimit},
 * {@code fitModifiedBgNbdOrLimit} and {@code fitSpendModel} (what build-features calls) also fit the models' limits
 * on a boundary of the parameter space, {@link io.kindred.clv.NoDropoutLimit} ({@code a -> 0}) and
 * {@link io.kindred.clv.ConstantSpendLimit} ({@code p -> infinity}), and return the limit, with status
 * {@code boundary}, when its likelihood is at least the full model's: such data never fail the night.
 *
 * <h2>Predictions</h2>
 * All times in the model's unit.
 * <ul>
 *   <li>{@code probabilityAlive(x, t_x, T)}: P(the customer is still active at {@code T}). BG/NBD: 1 when
 *       {@code x = 0}, else {@code 1 / (1 + a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))}; MBG/NBD:
 *       {@code 1 / (1 + a / (b + x) ((alpha + T) / (alpha + t_x))^(r + x))} for every x; Pareto/NBD: the share of
 *       the likelihood from "active at T" (the note's eq. 36), 1 when {@code t_x = T}.</li>
 *   <li>{@code expectedPurchases(t, x, t_x, T)}: expected repeat purchases in the next {@code t} (FHL 2005 eq. 10),
 *       computed through Euler's transformation of the Gauss hypergeometric function so the series stays bounded for
 *       any {@code x} ({@link io.kindred.clv.Hypergeometric}, with a convergence check that throws). Pareto/NBD
 *       (the note's eq. 41): {@code P(alive) (r + x) (beta + T) / ((alpha + T) (s - 1)) [1 - ((beta + T) / (beta +
 *       T + t))^(s - 1)]}, its log limit at {@code s = 1}.</li>
 *   <li>{@code expectedPurchasesUnconditional(t)}: expected repeat purchases by {@code t} of a newly acquired
 *       customer (FHL 2005 eq. 9); Pareto/NBD: {@code r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]}
 *       (the note's eq. 27), its log limit at {@code s = 1}.</li>
 *   <li>{@code expectedAverageSpend(x, mbar)}: {@code (p gamma + p x mbar) / (p x + q - 1)}, the customer's mean
 *       shrunk towards the population mean {@code p gamma / (q - 1)}; customers with {@code x = 0} get the
 *       population mean (needs {@code q > 1}).</li>
 *   <li>{@link io.kindred.clv.CustomerLifetimeValue#clv}: lifetimes' {@code customer_lifetime_value}:
 *       {@code sum_{i=1..months} spend (E[Y(i L)] - E[Y((i-1) L)]) / (1 + d)^i}, with {@code L} the month length in
 *       the model's unit ({@link io.kindred.clv.ClvHorizon}; lifetimes' 30 days or 4.345 weeks by default) and
 *       {@code d} the monthly discount rate.</li>
 *   <li>{@link io.kindred.clv.ClvScorer#score}: all of the above for one customer, with the 30, 90 and 365-day
 *       horizons converted to the model's unit.</li>
 * </ul>
 *
 * <h2>Checked against</h2>
 * CDNOW (2,357 customers, weeks): BG/NBD r, alpha, a, b and log-likelihood as published by Fader, Hardie &amp; Lee;
 * customer 1's 1.226 expected purchases in 39 weeks; the unconditional 1.195 (39 weeks) and 1.858 (78 weeks);
 * Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers; MBG/NBD r, alpha, a, b as BTYDplus fits
 * them; Pareto/NBD r = 0.553276, alpha = 10.577612, s = 0.606214, beta = 11.667910 and log-likelihood -9594.9739 (a
 * tight refit; Fader &amp; Hardie publish 0.55, 10.58, 0.61, 11.67), and at BTYD's CDNOW fit the walkthrough's
 * P(alive) 0.9979 and 25.46 expected purchases in 52 weeks for x = 26, t_x = 30.86, T = 31. Simulated data with
 * known parameters are recovered within four reported standard errors, and data from {@code kindred generate}
 * through the cleaning and features jobs within three (on the log scale, {@code BuildFeaturesGeneratedTest}).
 *
 * <p>{@link io.kindred.clv.PurchaseModel} names the purchase model build-features uses
 * ({@code kindred.features.clv.model}). With {@code auto}, {@link io.kindred.clv.PurchaseModelSelection} fits every
 * purchase model on the calibration histories of a {@link io.kindred.clv.HoldoutSample} and keeps the one with the
 * lowest mean absolute error of expected vs actual purchases per customer in the holdout window, reporting the
 * cumulative-purchases curve error beside it (both defined there). On 3,000 customers simulated from Pareto/NBD it
 * picks Pareto/NBD (MAE 0.505 vs BG/NBD 0.548, MBG/NBD 0.512 over a 26-week holdout,
 * {@code PurchaseModelSelectionTest}).
 */
package io.kindred.clv;
