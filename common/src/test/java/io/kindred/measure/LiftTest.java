package io.kindred.measure;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link Lift} against published figures (Newcombe 1998) and against scipy 1.17.1, which computed every other expected
 * value independently from the raw counts or per-customer values (the snippet is beside each case; {@code np} is
 * numpy, {@code stats} is {@code scipy.stats}).
 */
class LiftTest {

  /** The paper prints 4 decimals. */
  private static final double PUBLISHED = 5e-5;

  /** Against scipy's doubles: the t and normal quantiles and tails agree to about 1e-14. */
  private static final double COMPUTED = 1e-12;

  // Newcombe, "Interval estimation for the difference between independent proportions: comparison of eleven
  // methods", Statistics in Medicine 17 (1998) 873-890, Table II, method 10 (score, no continuity correction), 95%:
  // {x1, n1, x2, n2, lower, upper}, examples (a) to (h).
  private static final double[][] NEWCOMBE_TABLE_II = {
      {56, 70, 48, 80, 0.0524, 0.3339},
      {9, 10, 3, 10, 0.1705, 0.8090},
      {6, 7, 2, 7, 0.0582, 0.8062},
      {5, 56, 0, 29, -0.0381, 0.1926},
      {0, 10, 0, 20, -0.1611, 0.2775},
      {0, 10, 0, 10, -0.2775, 0.2775},
      {10, 10, 0, 20, 0.6791, 1.0000},
      {10, 10, 0, 10, 0.6075, 1.0000},
  };

  /** Per-customer revenue: 8 treated customers, 11 held out. */
  private static final double[] REVENUE_TREATMENT = {12.5, 0.0, 31.2, 8.75, 19.9, 0.0, 44.1, 15.3};
  private static final double[] REVENUE_CONTROL = {9.4, 0.0, 12.0, 22.75, 0.0, 5.5, 17.3, 11.1, 0.0, 8.2, 14.6};

  /** Orders per customer, where the treatment did worse. */
  private static final double[] ORDERS_TREATMENT = {3, 1, 0, 2, 0, 1, 4, 0};
  private static final double[] ORDERS_CONTROL = {2, 5, 1, 3, 4, 2, 6, 3, 2, 5, 4};

  @Test
  void proportionsGiveNewcombesPublishedMethod10Intervals() {
    for (double[] row : NEWCOMBE_TABLE_II) {
      long x1 = (long) row[0];
      long n1 = (long) row[1];
      long x2 = (long) row[2];
      long n2 = (long) row[3];
      Lift.Estimate e = Lift.proportions(x1, n1, x2, n2, 0.95);
      String example = x1 + "/" + n1 + " vs " + x2 + "/" + n2;
      assertAll(example,
          () -> assertEquals((double) x1 / n1, e.treatment(), 0, example),
          () -> assertEquals((double) x2 / n2, e.control(), 0, example),
          () -> assertEquals((double) x1 / n1 - (double) x2 / n2, e.absolute(), 0, example),
          () -> assertEquals(row[4], e.absoluteLow(), PUBLISHED, example),
          () -> assertEquals(row[5], e.absoluteHigh(), PUBLISHED, example));
    }
  }

  @Test
  void proportionsMatchScipy() {
    // Newcombe: an independent numpy implementation of method 10, from the Wilson intervals
    //   wilson(x, n) = c -+ z sqrt(p (1 - p) / n + z^2 / (4 n^2)) / (1 + z^2 / n),
    //   c = (p + z^2 / (2n)) / (1 + z^2 / n), z = stats.norm.isf((1 - conf) / 2),
    //   low = d - sqrt((pT - lT)^2 + (uC - pC)^2), high = d + sqrt((uT - pT)^2 + (pC - lC)^2);
    //   it reproduces all 8 rows of Newcombe's Table II to 4 decimals.
    // Katz: stats.contingency.relative_risk(xT, nT, xC, nC).confidence_interval(conf), minus 1.
    // p-value: stats.chi2_contingency([[xT, nT - xT], [xC, nC - xC]], correction=False).pvalue (chi^2 = z^2).
    Lift.Estimate e = Lift.proportions(56, 70, 48, 80, 0.95);
    assertEstimate(e, 0.8, 0.6, 0.05243147240236498, 0.333872654036906, 0.3333333333333335, 0.07662642276319298,
        0.651248511266387, 0.008045081368196585);

    // A campaign of marketing size, at 90%.
    e = Lift.proportions(412, 5000, 350, 5000, 0.90);
    assertEstimate(e, 0.0824, 0.07, 0.00367187481111062, 0.021142819132110236, 0.17714285714285705,
        0.049312015436942636, 0.3205464968829561, 0.019448555546748573);

    // Treatment worse than control, at 99%.
    e = Lift.proportions(3, 40, 9, 45, 0.99);
    assertEstimate(e, 0.075, 0.2, -0.3201831324680417, 0.08316212173211274, -0.625, -0.9260421766050573,
        0.9014215608948823, 0.09853948864420609);
  }

  @Test
  void proportionsWithoutConversionsInAGroupHaveNoRelativeLift() {
    // p-value: stats.chi2_contingency([[5, 51], [0, 29]], correction=False).pvalue
    Lift.Estimate noControlConversions = Lift.proportions(5, 56, 0, 29, 0.95);
    assertEstimate(noControlConversions, 5.0 / 56, 0, -0.03813714790353688, 0.19256001385511162, Double.NaN,
        Double.NaN, Double.NaN, 0.09718656817057987);

    Lift.Estimate noTreatmentConversions = Lift.proportions(0, 20, 5, 20, 0.95);
    assertAll(
        () -> assertEquals(Double.NaN, noTreatmentConversions.relative()),
        () -> assertEquals(Double.NaN, noTreatmentConversions.relativeLow()),
        () -> assertEquals(Double.NaN, noTreatmentConversions.relativeHigh()));

    // Nobody converted: the pooled rate is 0 and there is nothing to test.
    Lift.Estimate nobody = Lift.proportions(0, 10, 0, 20, 0.95);
    assertAll(
        () -> assertEquals(0, nobody.absolute()),
        () -> assertEquals(Double.NaN, nobody.relative()),
        () -> assertEquals(Double.NaN, nobody.pValue()));
  }

  @Test
  void proportionsWhereEverybodyConvertedHaveNoPValueAndAPointRelativeInterval() {
    Lift.Estimate e = Lift.proportions(10, 10, 20, 20, 0.95);

    // Newcombe: the numpy method 10 above; the Katz variance is 1/10 - 1/10 + 1/20 - 1/20 = 0, so the relative
    // interval is the point 0; the pooled rate is 1.
    assertEstimate(e, 1, 1, -0.27753279986288926, 0.16112515805281935, 0, 0, 0, Double.NaN);
  }

  @Test
  void meansMatchScipysWelchTestAndTheDeltaMethod() {
    // t, c = np.array(<REVENUE_TREATMENT>), np.array(<REVENUE_CONTROL>)
    // r = stats.ttest_ind(t, c, equal_var=False); r.confidence_interval(0.95), r.pvalue (df = 9.48138576291393)
    // delta: q = t.mean() / c.mean(); z = stats.norm.isf(0.025)
    //   se = abs(q) * np.sqrt(t.var(ddof=1) / (8 * t.mean()**2) + c.var(ddof=1) / (11 * c.mean()**2));
    //   (q - 1, q - 1 - z * se, q - 1 + z * se)
    Lift.Estimate e = means(REVENUE_TREATMENT, REVENUE_CONTROL, 0.95);
    assertEstimate(e, 16.46875, 9.168181818181818, -5.760058668504069, 20.361195032140433, 0.7962940009915718,
        -0.6402724060907519, 2.232860408073895, 0.2396090584870061);
    assertEquals(7.300568181818182, e.absolute(), COMPUTED);

    // The same with t, c = the ORDERS arrays, at 90% (z = stats.norm.isf(0.05)), treatment worse;
    // df = 15.593847885516784.
    e = means(ORDERS_TREATMENT, ORDERS_CONTROL, 0.90);
    assertEstimate(e, 1.375, 3.3636363636363638, -3.2332996128059523, -0.7439731144667754, -0.5912162162162162,
        -0.8681749023921412, -0.3142575300402912, 0.01324536474745099);
    assertEquals(-1.9886363636363638, e.absolute(), COMPUTED);
  }

  @Test
  void meansWithOneConstantGroupUseTheOtherGroupsDegreesOfFreedom() {
    double[] fives = new double[11];
    Arrays.fill(fives, 5.0);
    // t = np.array(<REVENUE_TREATMENT>); stats.ttest_ind(t, np.full(11, 5.0), equal_var=False): df = 7.0;
    // delta: se = t.std(ddof=1) / np.sqrt(8) / 5, (t.mean() / 5 - 1) -+ stats.norm.isf(0.025) * se
    Lift.Estimate e = means(REVENUE_TREATMENT, fives, 0.95);
    assertEstimate(e, 16.46875, 5, -1.2156648447224772, 24.153164844722475, 2.29375, 0.19100608676514286,
        4.396493913234858, 0.0698402216964367);

    // The control spent nothing: no relative lift. stats.ttest_ind(t, np.zeros(11), equal_var=False)
    e = means(REVENUE_TREATMENT, new double[11], 0.95);
    assertEstimate(e, 16.46875, 0, 3.784335155277523, 29.153164844722475, Double.NaN, Double.NaN, Double.NaN,
        0.018065000884722338);
  }

  @Test
  void meansWithBothVariancesZeroHaveAPointIntervalAndAPValueOfOneOrZero() {
    double[] treatment = new double[8];
    double[] control = new double[11];
    Arrays.fill(treatment, 9.99);
    Arrays.fill(control, 9.99);
    // Summed in double, 8 and 11 times 9.99 give means 2^-49 apart: equal within the rounding of the sums.
    Lift.Estimate equal = means(treatment, control, 0.95);
    assertAll(
        () -> assertEquals(equal.absolute(), equal.absoluteLow(), 0),
        () -> assertEquals(equal.absolute(), equal.absoluteHigh(), 0),
        () -> assertEquals(0, equal.absolute(), 1e-14),
        () -> assertEquals(0, equal.relative(), 1e-15),
        () -> assertEquals(equal.relative(), equal.relativeLow(), 0),
        () -> assertEquals(equal.relative(), equal.relativeHigh(), 0),
        () -> assertEquals(1, equal.pValue(), 0));

    Arrays.fill(treatment, 4.25);
    Arrays.fill(control, 3.4);
    Lift.Estimate different = means(treatment, control, 0.95);
    assertEstimate(different, 4.25, 3.4, 0.85, 0.85, 0.25, 0.25, 0.25, 0, 1e-15);
  }

  @Test
  void argumentsOutsideTheirDomainAreRefusedWithTheirValue() {
    assertMessage("treatmentCustomers must be at least 1, got 0", () -> Lift.proportions(0, 0, 1, 10, 0.95));
    assertMessage("controlCustomers must be at least 1, got -3", () -> Lift.proportions(0, 5, 0, -3, 0.95));
    assertMessage("treatmentConversions must be between 0 and treatmentCustomers = 10, got 11",
        () -> Lift.proportions(11, 10, 1, 10, 0.95));
    assertMessage("controlConversions must be between 0 and controlCustomers = 10, got -1",
        () -> Lift.proportions(1, 10, -1, 10, 0.95));
    assertMessage("confidence must be strictly between 0 and 1, got 1.0", () -> Lift.proportions(1, 10, 1, 10, 1));
    assertMessage("confidence must be strictly between 0 and 1, got 95.0",
        () -> Lift.means(5, 10, 30, 5, 10, 30, 95));
    assertMessage("confidence must be strictly between 0 and 1, got NaN",
        () -> Lift.proportions(1, 10, 1, 10, Double.NaN));
    assertMessage("treatmentCustomers must be at least 2 (a sample variance needs two values), got 1",
        () -> Lift.means(1, 10, 100, 5, 10, 30, 0.95));
    assertMessage("controlCustomers must be at least 2 (a sample variance needs two values), got 1",
        () -> Lift.means(5, 10, 30, 1, 10, 100, 0.95));
    assertMessage("treatmentSum must be finite, got NaN", () -> Lift.means(5, Double.NaN, 30, 5, 10, 30, 0.95));
    assertMessage("controlSumOfSquares must be finite, got Infinity",
        () -> Lift.means(5, 10, 30, 5, 10, Double.POSITIVE_INFINITY, 0.95));
    // Five values summing to 10 have a sum of squares of at least 10^2 / 5 = 20.
    assertMessage("controlSumOfSquares must be at least controlSum^2 / controlCustomers = 20.0 (no set of values has"
        + " a smaller sum of squares), got 19.0", () -> Lift.means(5, 10, 30, 5, 10, 19, 0.95));
  }

  /** {@link Lift#means} from per-customer values, their sums accumulated one customer at a time as a job would. */
  private static Lift.Estimate means(double[] treatment, double[] control, double confidence) {
    return Lift.means(treatment.length, sum(treatment, false), sum(treatment, true), control.length,
        sum(control, false), sum(control, true), confidence);
  }

  private static double sum(double[] values, boolean squares) {
    double sum = 0;
    for (double v : values) {
      sum += squares ? v * v : v;
    }
    return sum;
  }

  private static void assertEstimate(Lift.Estimate e, double treatment, double control, double absoluteLow,
      double absoluteHigh, double relative, double relativeLow, double relativeHigh, double pValue) {
    assertEstimate(e, treatment, control, absoluteLow, absoluteHigh, relative, relativeLow, relativeHigh, pValue,
        COMPUTED);
  }

  private static void assertEstimate(Lift.Estimate e, double treatment, double control, double absoluteLow,
      double absoluteHigh, double relative, double relativeLow, double relativeHigh, double pValue, double delta) {
    assertAll(e.toString(),
        () -> assertEquals(treatment, e.treatment(), COMPUTED, "treatment"),
        () -> assertEquals(control, e.control(), COMPUTED, "control"),
        () -> assertEquals(treatment - control, e.absolute(), COMPUTED, "absolute"),
        () -> assertEquals(absoluteLow, e.absoluteLow(), delta, "absoluteLow"),
        () -> assertEquals(absoluteHigh, e.absoluteHigh(), delta, "absoluteHigh"),
        () -> assertEquals(relative, e.relative(), delta, "relative"),
        () -> assertEquals(relativeLow, e.relativeLow(), delta, "relativeLow"),
        () -> assertEquals(relativeHigh, e.relativeHigh(), delta, "relativeHigh"),
        () -> assertEquals(pValue, e.pValue(), delta, "pValue"));
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void aNegativeControlMeanHasNoRelativeLift() {
    // every customer's CLV fell, the control's more: treatment better by 53 a customer, no share of a negative base
    Lift.Estimate e = Lift.means(4, -24, 4 * 36 + 8, 4, -236, 4 * 59 * 59 + 8, 0.95);
    assertAll(
        () -> assertEquals(53, e.absolute(), 1e-12),
        () -> assertEquals(Double.NaN, e.relative()),
        () -> assertEquals(Double.NaN, e.relativeLow()),
        () -> assertEquals(Double.NaN, e.relativeHigh()));
  }
}
