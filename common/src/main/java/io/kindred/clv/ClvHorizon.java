package io.kindred.clv;

import java.io.Serializable;

/**
 * The CLV sum's horizon: {@code months} monthly steps of {@code monthLength} time units, each month's expected
 * value discounted by {@code (1 + monthlyDiscountRate)^-month}.
 */
public record ClvHorizon(int months, double monthlyDiscountRate, double monthLength) implements Serializable {

  private static final long serialVersionUID = 1L;

  public ClvHorizon {
    if (months < 1) {
      throw new IllegalArgumentException("months must be >= 1, got " + months);
    }
    if (!Double.isFinite(monthlyDiscountRate) || monthlyDiscountRate < 0) {
      throw new IllegalArgumentException("monthlyDiscountRate must be a finite number >= 0, got "
          + monthlyDiscountRate);
    }
    if (!Double.isFinite(monthLength) || !(monthLength > 0)) {
      throw new IllegalArgumentException("monthLength must be a finite number > 0, got " + monthLength);
    }
  }

  /** {@code months} months of {@code unit}'s default length. */
  public static ClvHorizon of(int months, double monthlyDiscountRate, PeriodUnit unit) {
    return new ClvHorizon(months, monthlyDiscountRate, unit.monthLength());
  }
}
