package io.kindred.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What to generate: how many customers, how many days ending on which date, from which seed, with which settings.
 * The same spec always gives the same files.
 *
 * @param customers customers to generate (1 .. 99,999,999)
 * @param days days of history, one delivery folder per day
 * @param endDate the last day of the window (the run date)
 * @param seed the random seed
 * @param settings the generator's configuration
 */
public record SampleSpec(long customers, int days, LocalDate endDate, long seed, GeneratorSettings settings)
    implements Serializable {

  /** The most customers the id format (C + 8 digits) and the record ids (T/E + 12 digits) allow. */
  public static final long MAX_USERS = 99_999_999L;

  public SampleSpec {
    Objects.requireNonNull(endDate, "endDate");
    Objects.requireNonNull(settings, "settings");
    if (customers < 1) {
      throw new IllegalArgumentException("customers is " + customers + "; expected at least 1");
    }
    if (days < 1) {
      throw new IllegalArgumentException("days is " + days + "; expected at least 1");
    }
    long socialUsers = customers + Math.round(customers * settings.nonCustomersPerCustomer);
    if (socialUsers > MAX_USERS) {
      throw new IllegalArgumentException("customers is " + customers + ", which with "
          + settings.nonCustomersPerCustomer + " non-customers per customer makes " + socialUsers
          + " social users; expected at most " + MAX_USERS);
    }
  }

  /** The first day of the window. */
  public LocalDate startDate() {
    return endDate.minusDays(days - 1L);
  }

  /** Non-customer social users. */
  public long nonCustomers() {
    return Math.round(customers * settings.nonCustomersPerCustomer);
  }

  /** All social users: customers, then non-customers. */
  public long socialUsers() {
    return customers + nonCustomers();
  }
}
