package io.kindred.clv;

/**
 * The time unit of {@code t_x}, {@code T} and the fitted {@code alpha}: one unit for the summary, the fit and the
 * predictions. The month lengths are lifetimes' ({@code customer_lifetime_value}: 30 days, 4.345 weeks); a
 * {@link ClvHorizon} may set another.
 */
public enum PeriodUnit {
  DAYS(1.0, 30.0),
  WEEKS(7.0, 4.345);

  private final double days;
  private final double monthLength;

  PeriodUnit(double days, double monthLength) {
    this.days = days;
    this.monthLength = monthLength;
  }

  /** Length of one unit in days. */
  public double days() {
    return days;
  }

  /** Length of a month in this unit, for the CLV sum. */
  public double monthLength() {
    return monthLength;
  }

  /** A duration given in days, in this unit. */
  public double fromDays(double durationDays) {
    return durationDays / days;
  }
}
