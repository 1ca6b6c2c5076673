package io.kindred.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kindred.quality.Reason;
import io.kindred.segments.Audiences;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every knob of the generator except the run's size, seed and dates: read from the {@code kindred.generate}
 * section of the configuration (each key is documented in {@code conf/kindred.conf}) and checked on load.
 */
public final class GeneratorSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One archetype's parameters (time unit: days). */
  public record ArchetypeParams(Archetype archetype, double share, double r, double alpha, double a, double b,
      double p, double q, double gamma, double signupFrom, double signupTo, int signupLastDays, double returnRate,
      double socialActivity, int[] favouriteCategories, double[] channelWeights) implements Serializable {
  }

  /** A country: its share of customers, its usual currency (index into currencies) and clock offsets. */
  public record Country(String code, double share, int currency, int[] offsetSeconds, String[] offsets)
      implements Serializable {
  }

  /** A known currency: its first-day rate (USD per unit) and decimals. */
  public record Currency(String code, double rateToUsd, int decimals) implements Serializable {
  }

  public final long usersPerPartition;
  public final List<ArchetypeParams> archetypes;
  public final double favouriteCategoryWeight;
  public final List<String> categories;
  public final int productsPerCategory;
  public final List<String> channels;
  public final double extraQuantityMean;
  public final int maxReturnDays;
  public final List<Country> countries;
  public final double usdShareAbroad;
  public final List<Currency> currencies;
  public final double fxDailyVolatility;
  public final double consentRate;
  public final double changeRate;
  public final double nonCustomersPerCustomer;
  public final int communitySize;
  /** Whether a repeat purchase drawn on the previous purchase's UTC day moves to the next day (see World.core). */
  public final boolean distinctPurchaseDays;
  public final double nonCustomerInfluencerShare;
  public final double nonCustomerActivity;
  public final double followsPerUser;
  public final double followInfluencerShare;
  public final double inCommunityShare;
  public final double initialFollowShare;
  public final int initialFollowDays;
  public final double unfollowRate;
  public final double engagementsPerUserDay;
  public final double[] engagementTypeWeights;
  public final double engageInfluencerShare;
  public final double reviewRate;
  public final double[] ratingWeights;
  public final double referralRate;
  public final double nonCustomerReferralRate;
  public final double influenceBoost;
  public final int influenceDays;
  /** The planted campaign; {@link Campaign#NONE} when none is configured. */
  public final Campaign campaign;
  public final int jsonEveryDays;
  public final double lateRate;
  public final int maxLateDays;
  public final EnumMap<Reason, Double> dirt;

  /** The reasons the generator can inject, in the order it draws them. */
  public static final List<Reason> DIRT_REASONS = List.of(Reason.MALFORMED_RECORD, Reason.MISSING_CUSTOMER_ID,
      Reason.BAD_TIMESTAMP, Reason.FUTURE_TIMESTAMP, Reason.NON_POSITIVE_AMOUNT, Reason.UNKNOWN_CURRENCY,
      Reason.EXACT_DUPLICATE, Reason.CONFLICTING_DUPLICATE, Reason.SELF_INTERACTION,
      Reason.UNKNOWN_INTERACTION_TYPE, Reason.RATING_OUT_OF_RANGE);

  private final transient Config source;

  private GeneratorSettings(Config c, Audiences.ControlGroups control) {
    this.source = c;
    usersPerPartition = positiveLong(c, "users-per-partition");
    categories = List.copyOf(c.getStringList("categories"));
    if (categories.isEmpty()) {
      throw new IllegalArgumentException("kindred.generate.categories is empty; expected at least one category");
    }
    channels = List.copyOf(c.getStringList("channels"));
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("kindred.generate.channels is empty; expected at least one channel");
    }
    List<ArchetypeParams> list = new ArrayList<>();
    double shareSum = 0;
    for (Archetype archetype : Archetype.values()) {
      String path = "archetypes." + archetype.code();
      if (!c.hasPath(path)) {
        throw new IllegalArgumentException("kindred.generate." + path + " is missing; every archetype needs "
            + "parameters (use share = 0 to switch one off)");
      }
      Config a = c.getConfig(path);
      String at = path + ".";
      double share = nonNegative(a, "share", at);
      shareSum += share;
      double from = fraction(a, "signup-from", at);
      double to = fraction(a, "signup-to", at);
      if (to < from) {
        throw new IllegalArgumentException("kindred.generate." + at + "signup-to is " + to + ", below signup-from "
            + from + "; expected signup-from <= signup-to");
      }
      List<String> favourites = a.getStringList("favourite-categories");
      int[] favouriteIdx = new int[favourites.size()];
      for (int i = 0; i < favouriteIdx.length; i++) {
        favouriteIdx[i] = categories.indexOf(favourites.get(i));
        if (favouriteIdx[i] < 0) {
          throw new IllegalArgumentException("kindred.generate." + at + "favourite-categories names '"
              + favourites.get(i) + "', which is not one of the categories " + categories);
        }
      }
      double[] channelWeights = weights(a, "channel-weights", at, channels.size());
      list.add(new ArchetypeParams(archetype, share, positive(a, "r", at), positive(a, "alpha", at),
          positive(a, "a", at), positive(a, "b", at), positive(a, "p", at), positive(a, "q", at),
          positive(a, "gamma", at), from, to, nonNegativeInt(a, "signup-last-days", at),
          fraction(a, "return-rate", at), nonNegative(a, "social-activity", at), favouriteIdx, channelWeights));
    }
    if (!(shareSum > 0)) {
      throw new IllegalArgumentException("kindred.generate.archetypes: the shares sum to " + shareSum
          + "; expected at least one archetype with a share above 0");
    }
    archetypes = List.copyOf(list);
    favouriteCategoryWeight = fraction(c, "favourite-category-weight", "");
    productsPerCategory = (int) positiveLong(c, "products-per-category");
    if ((long) productsPerCategory * categories.size() > 99_999) {
      throw new IllegalArgumentException("kindred.generate.products-per-category is " + productsPerCategory
          + ": with " + categories.size() + " categories that exceeds the 99999 product ids P + 5 digits allow");
    }
    extraQuantityMean = nonNegative(c, "extra-quantity-mean", "");
    maxReturnDays = (int) positiveLong(c, "max-return-days");

    List<Currency> currencyList = new ArrayList<>();
    for (Config cur : c.getConfigList("currencies")) {
      currencyList.add(new Currency(cur.getString("code"), positive(cur, "rate-to-usd", "currencies[]."),
          nonNegativeInt(cur, "decimals", "currencies[].")));
    }
    currencies = List.copyOf(currencyList);
    List<String> codes = currencies.stream().map(Currency::code).toList();
    int usd = codes.indexOf("USD");
    if (usd < 0 || currencies.get(usd).rateToUsd() != 1.0) {
      throw new IllegalArgumentException("kindred.generate.currencies is " + codes + "; expected USD with "
          + "rate-to-usd = 1 among them");
    }
    List<Country> countryList = new ArrayList<>();
    for (Config country : c.getConfigList("countries")) {
      String currency = country.getString("currency");
      int idx = codes.indexOf(currency);
      if (idx < 0) {
        throw new IllegalArgumentException("kindred.generate.countries: " + country.getString("code")
            + " pays in " + currency + ", which is not one of the currencies " + codes);
      }
      List<String> offsets = country.getStringList("offsets");
      if (offsets.isEmpty()) {
        throw new IllegalArgumentException("kindred.generate.countries: " + country.getString("code")
            + " has no offsets; expected at least one, e.g. \"+01:00\"");
      }
      int[] seconds = new int[offsets.size()];
      for (int i = 0; i < seconds.length; i++) {
        try {
          seconds[i] = java.time.ZoneOffset.of(offsets.get(i)).getTotalSeconds();
        } catch (java.time.DateTimeException e) {
          throw new IllegalArgumentException("kindred.generate.countries: " + country.getString("code")
              + " has offset '" + offsets.get(i) + "'; expected +hh:mm or -hh:mm", e);
        }
      }
      countryList.add(new Country(country.getString("code"), nonNegative(country, "share", "countries[]."), idx,
          seconds, offsets.toArray(String[]::new)));
    }
    if (countryList.stream().mapToDouble(Country::share).sum() <= 0) {
      throw new IllegalArgumentException("kindred.generate.countries: shares sum to 0; expected a positive sum");
    }
    countries = List.copyOf(countryList);
    usdShareAbroad = fraction(c, "usd-share-abroad", "");
    fxDailyVolatility = nonNegative(c, "fx-daily-volatility", "");
    consentRate = fraction(c, "consent-rate", "");
    changeRate = fraction(c, "change-rate", "");
    if (changeRate >= 1) {
      throw new IllegalArgumentException("kindred.generate.change-rate is " + changeRate + "; expected below 1");
    }
    nonCustomersPerCustomer = nonNegative(c, "non-customers-per-customer", "");
    communitySize = (int) positiveLong(c, "community-size");
    distinctPurchaseDays = c.getBoolean("distinct-purchase-days");
    nonCustomerInfluencerShare = fraction(c, "non-customer-influencer-share", "");
    nonCustomerActivity = nonNegative(c, "non-customer-activity", "");
    followsPerUser = nonNegative(c, "follows-per-user", "");
    followInfluencerShare = fraction(c, "follow-influencer-share", "");
    inCommunityShare = fraction(c, "in-community-share", "");
    initialFollowShare = fraction(c, "initial-follow-share", "");
    initialFollowDays = (int) positiveLong(c, "initial-follow-days");
    unfollowRate = fraction(c, "unfollow-rate", "");
    engagementsPerUserDay = nonNegative(c, "engagements-per-user-day", "");
    engagementTypeWeights = weights(c, "engagement-type-weights", "", 4);
    engageInfluencerShare = fraction(c, "engage-influencer-share", "");
    reviewRate = fraction(c, "review-rate", "");
    ratingWeights = weights(c, "rating-weights", "", 5);
    referralRate = fraction(c, "referral-rate", "");
    nonCustomerReferralRate = fraction(c, "non-customer-referral-rate", "");
    influenceBoost = fraction(c, "influence-boost", "");
    influenceDays = (int) positiveLong(c, "influence-days");
    campaign = c.getString("campaign.audience").isEmpty() ? Campaign.NONE : new Campaign(
        c.getString("campaign.audience"), nonNegativeLong(c, "campaign.customers"),
        nonNegativeInt(c, "campaign.night-before-end", ""), (int) positiveLong(c, "campaign.days"),
        fraction(c, "campaign.purchase-uplift", ""), control);
    jsonEveryDays = nonNegativeInt(c, "json-every-days", "");
    lateRate = fraction(c, "late-rate", "");
    maxLateDays = (int) positiveLong(c, "max-late-days");
    dirt = new EnumMap<>(Reason.class);
    double dirtSum = 0;
    for (Reason reason : DIRT_REASONS) {
      double rate = c.hasPath("dirt." + reason.code()) ? fraction(c, "dirt." + reason.code(), "") : 0.0;
      dirt.put(reason, rate);
      dirtSum += rate;
    }
    for (String key : c.getConfig("dirt").root().keySet()) {
      Reason reason = Reason.ofCode(key);
      if (!DIRT_REASONS.contains(reason)) {
        throw new IllegalArgumentException("kindred.generate.dirt." + key + ": the generator cannot inject this "
            + "reason; expected one of " + DIRT_REASONS.stream().map(Reason::code).toList());
      }
    }
    if (dirtSum >= 0.5) {
      throw new IllegalArgumentException("kindred.generate.dirt rates sum to " + dirtSum + "; expected below 0.5");
    }
  }

  /**
   * A campaign planted in the generated purchases (kindred.generate.campaign).
   *
   * @param audience the audience's name ("" for none)
   * @param customers its customers: indices 0 .. customers - 1
   * @param nightBeforeEnd the campaign night, in days before the last generated day
   * @param days the days after the campaign night whose purchases get the uplift
   * @param purchaseUplift the chance each such purchase of a treated customer brings a second one that day
   * @param control how the pipeline draws control groups (kindred.audiences.control); null before it is known
   */
  public record Campaign(String audience, long customers, int nightBeforeEnd, int days, double purchaseUplift,
      Audiences.ControlGroups control) implements Serializable {

    public static final Campaign NONE = new Campaign("", 0, 0, 1, 0, null);

    public boolean planted() {
      return !audience.isEmpty() && customers > 0 && purchaseUplift > 0 && control != null;
    }

    /**
     * The customer's group in the campaign's audience: treatment or control, drawn as publish-audiences draws it;
     * null for a customer outside the audience or in the global holdout.
     */
    public String groupOf(long index, String customerId) {
      return index < customers ? Audiences.groupOf(control, audience, customerId) : null;
    }
  }

  /**
   * Reads and checks the {@code kindred.generate} section.
   *
   * @throws IllegalArgumentException naming the key, its value and what was expected
   */
  public static GeneratorSettings from(Config generateSection) {
    return from(generateSection, null);
  }

  /**
   * Reads and checks the {@code kindred.generate} section; a planted campaign draws its control group as
   * {@code control} does (the pipeline's kindred.audiences.control), which it needs to plant anything.
   *
   * @throws IllegalArgumentException naming the key, its value and what was expected
   */
  public static GeneratorSettings from(Config generateSection, Audiences.ControlGroups control) {
    try {
      return new GeneratorSettings(generateSection, control);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Configuration kindred.generate: " + e.getMessage(), e);
    }
  }

  /** The settings as plain maps and lists, for {@code truth/parameters.json}. */
  public Map<String, Object> asMap() {
    return source == null ? Map.of() : source.root().unwrapped();
  }

  /** The share of each archetype, normalised to sum to 1, in {@link Archetype} order. */
  public double[] normalisedShares() {
    double sum = archetypes.stream().mapToDouble(ArchetypeParams::share).sum();
    return archetypes.stream().mapToDouble(a -> a.share() / sum).toArray();
  }

  public ArchetypeParams params(Archetype archetype) {
    return archetypes.get(archetype.ordinal());
  }

  private static double positive(Config c, String key, String at) {
    double v = c.getDouble(key);
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("kindred.generate." + at + key + " is " + v + "; expected a number above 0");
    }
    return v;
  }

  private static long positiveLong(Config c, String key) {
    long v = c.getLong(key);
    if (v <= 0) {
      throw new IllegalArgumentException("kindred.generate." + key + " is " + v + "; expected an integer above 0");
    }
    return v;
  }

  private static long nonNegativeLong(Config c, String key) {
    long v = c.getLong(key);
    if (v < 0) {
      throw new IllegalArgumentException("kindred.generate." + key + " is " + v + "; expected an integer >= 0");
    }
    return v;
  }

  private static int nonNegativeInt(Config c, String key, String at) {
    int v = c.getInt(key);
    if (v < 0) {
      throw new IllegalArgumentException("kindred.generate." + at + key + " is " + v + "; expected 0 or more");
    }
    return v;
  }

  private static double nonNegative(Config c, String key, String at) {
    double v = c.getDouble(key);
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("kindred.generate." + at + key + " is " + v + "; expected 0 or more");
    }
    return v;
  }

  private static double fraction(Config c, String key, String at) {
    double v = c.getDouble(key);
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException("kindred.generate." + at + key + " is " + v + "; expected 0 .. 1");
    }
    return v;
  }

  private static double[] weights(Config c, String key, String at, int size) {
    List<Double> list = c.getDoubleList(key);
    if (list.size() != size || list.stream().anyMatch(w -> !(w >= 0)) || list.stream().mapToDouble(w -> w).sum() <= 0) {
      throw new IllegalArgumentException("kindred.generate." + at + key + " is " + list + "; expected " + size
          + " non-negative weights with a positive sum");
    }
    return list.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
