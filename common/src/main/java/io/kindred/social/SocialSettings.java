package io.kindred.social;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kindred.clean.InteractionType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings of the social features, read from {@code kindred.social} (see {@code conf/kindred.conf}).
 *
 * @param weights edge weight per interaction type that links two users: {@link #WEIGHTED_TYPES}, each finite and
 *     {@code >= 0}; 0 leaves the type out of the graph
 * @param graphWindowDays engagement events (all weighted types but follow) of the last this many days to as-of are
 *     edges; follow edges are the follows active at the end of the as-of day
 * @param pageRank the PageRank run (damping, tolerance, iteration limit)
 * @param communities the label-propagation run (tolerance, iteration limit, seed)
 * @param leaderTopFraction opinion leader: in this top fraction of influence ...
 * @param leaderMinFollowers ... and at least this many followers
 * @param championSegment the RFM segment whose members count as champions for {@code peer_champions}
 * @param leaderWindowDays a purchase counts as leader-triggered when made within this many days after a followed
 *     opinion leader bought in the same category
 * @param incremental whether a night may be built incrementally from the previous night's snapshot (warm-started
 *     PageRank and label propagation, windowed counts folded); when false every night is a full recompute
 * @param fullRecomputeEveryDays a night is a full recompute when the last full recompute it follows from is at
 *     least this many days older (1: every night)
 */
public record SocialSettings(Map<String, Double> weights, int graphWindowDays, WeightedPageRank pageRank,
    Communities communities, double leaderTopFraction, long leaderMinFollowers, String championSegment,
    int leaderWindowDays, boolean incremental, int fullRecomputeEveryDays) {

  /**
   * The interaction types that link two users and so carry a weight ({@link InteractionType#linksUsers()}), sorted.
   * {@code unfollow} ends a follow rather than adding an edge, and a {@code review}'s target is a product, so neither
   * is an edge of the user graph.
   */
  public static final List<String> WEIGHTED_TYPES = InteractionType.linkingCodes();

  public SocialSettings {
    weights = Collections.unmodifiableMap(new TreeMap<>(weights));
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(WEIGHTED_TYPES);
    missing.removeAll(weights.keySet());
    TreeSet<String> unknown = new TreeSet<>(weights.keySet());
    WEIGHTED_TYPES.forEach(unknown::remove);
    if (!missing.isEmpty()) {
      problems.add("no weight for " + missing);
    }
    if (!unknown.isEmpty()) {
      problems.add("weights for types that link no two users " + unknown + " (unfollow ends a follow, a review "
          + "targets a product)");
    }
    weights.forEach((type, w) -> {
      if (w == null || !(w >= 0) || Double.isInfinite(w)) {
        problems.add("weight of " + type + " is " + w + ", expected a finite number >= 0");
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Social weights must give each of " + WEIGHTED_TYPES
          + " a finite weight >= 0: " + String.join("; ", problems));
    }
    if (weights.values().stream().noneMatch(w -> w > 0)) {
      throw new IllegalArgumentException("Social weights are all 0: at least one of " + WEIGHTED_TYPES
          + " needs a weight > 0");
    }
    require(graphWindowDays >= 1, "graph-window-days", graphWindowDays, "at least 1");
    require(leaderTopFraction > 0 && leaderTopFraction <= 1, "opinion-leaders.top-fraction", leaderTopFraction,
        "in (0, 1]");
    require(leaderMinFollowers >= 0, "opinion-leaders.min-followers", leaderMinFollowers, "at least 0");
    require(championSegment != null && !championSegment.isBlank(), "champion-segment", championSegment,
        "a segment name");
    require(leaderWindowDays >= 1, "leader-purchase-window-days", leaderWindowDays, "at least 1");
    require(fullRecomputeEveryDays >= 1, "full-recompute-every-days", fullRecomputeEveryDays,
        "a whole number of days, at least 1 (1: a full recompute every night)");
  }

  /**
   * Reads the section at {@code path} (e.g. {@code kindred.social}).
   *
   * @throws IllegalArgumentException naming the key and the value when a key is missing, mistyped or out of range
   */
  public static SocialSettings fromConfig(Config config, String path) {
    try {
      Config c = config.getConfig(path);
      Map<String, Double> weights = new TreeMap<>();
      Config w = c.getConfig("weights");
      for (String type : w.root().keySet()) {
        weights.put(type, w.getDouble(type));
      }
      WeightedPageRank pageRank = new WeightedPageRank()
          .withDamping(c.getDouble("pagerank.damping"))
          .withTolerance(c.getDouble("pagerank.tolerance"))
          .withMaxIterations(c.getInt("pagerank.max-iterations"));
      Communities communities = new Communities()
          .withTolerance(c.getDouble("communities.tolerance"))
          .withMaxIterations(c.getInt("communities.max-iterations"))
          .withSeed(c.getLong("communities.seed"));
      return new SocialSettings(weights, c.getInt("graph-window-days"), pageRank, communities,
          c.getDouble("opinion-leaders.top-fraction"), c.getLong("opinion-leaders.min-followers"),
          c.getString("champion-segment"), c.getInt("leader-purchase-window-days"), flag(c, "incremental"),
          days(c, "full-recompute-every-days"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Configuration section " + path + " is incomplete or mistyped: "
          + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Configuration section " + path + ": " + e.getMessage(), e);
    }
  }

  /** A boolean key; a value of another type fails naming the key and the value. */
  private static boolean flag(Config c, String key) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(key + " is '" + c.getValue(key).unwrapped() + "', expected true or false");
    }
  }

  /** A number of days; a value that is not a whole number fails naming the key and the value. */
  private static int days(Config c, String key) {
    try {
      return c.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(key + " is '" + c.getValue(key).unwrapped() + "', expected a whole number "
          + "of days");
    }
  }

  private static void require(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + " is " + value + ", expected " + expected);
    }
  }
}
