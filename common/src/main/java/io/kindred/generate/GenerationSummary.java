package io.kindred.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * What a generator run wrote, from the writer's own line counts: records per feed (clean and dirty), bad records per
 * feed and reason, late records per feed, customers per archetype, social users by kind.
 */
public final class GenerationSummary {

  private final Map<String, Long> recordsByFeed = new TreeMap<>();
  private final Map<String, Long> filesByFeed = new TreeMap<>();
  private final Map<String, Map<String, Long>> badByFeedAndReason = new TreeMap<>();
  private final Map<String, Long> lateByFeed = new TreeMap<>();
  private final Map<String, Long> customersByArchetype = new TreeMap<>();
  private final Map<String, Long> socialUsers = new TreeMap<>();
  private long files;
  private long customers;
  private int days;

  private GenerationSummary() {
  }

  static GenerationSummary of(SampleSpec spec, List<Row> counts) {
    GenerationSummary s = new GenerationSummary();
    s.customers = spec.customers();
    s.days = spec.days();
    java.util.Set<String> feedDays = new java.util.HashSet<>();
    for (Row r : counts) {
      String feed = r.getString(0);
      String day = r.getString(1);
      String tag = r.getString(2);
      long n = r.getLong(3);
      if (feedDays.add(feed + "/" + day)) {
        s.files++;
        if (!feed.startsWith(World.TRUTH_PREFIX)) {
          s.filesByFeed.merge(feed, 1L, Long::sum);
        }
      }
      if (feed.startsWith(World.TRUTH_PREFIX)) {
        String file = feed.substring(World.TRUTH_PREFIX.length());
        if (tag.equals(World.HEADER)) {
          continue;
        }
        switch (file) {
          case RawFeeds.TRUTH_CUSTOMERS -> s.customersByArchetype.merge(tag, n, Long::sum);
          case RawFeeds.TRUTH_SOCIAL_USERS -> s.socialUsers.merge(tag, n, Long::sum);
          case RawFeeds.TRUTH_LATE_RECORDS -> s.lateByFeed.merge(tag, n, Long::sum);
          case RawFeeds.TRUTH_BAD_RECORDS -> {
            int slash = tag.indexOf('/');
            s.badByFeedAndReason.computeIfAbsent(tag.substring(0, slash), k -> new TreeMap<>())
                .merge(tag.substring(slash + 1), n, Long::sum);
          }
          default -> throw new IllegalStateException("unexpected truth file " + file);
        }
      } else {
        if (!tag.equals(World.HEADER)) {
          s.recordsByFeed.merge(feed, n, Long::sum);
        }
      }
    }
    return s;
  }

  /** Records (lines without headers, clean and dirty) per feed. */
  public Map<String, Long> recordsByFeed() {
    return Map.copyOf(recordsByFeed);
  }

  public long records(String feed) {
    return recordsByFeed.getOrDefault(feed, 0L);
  }

  public Map<String, Map<String, Long>> badByFeedAndReason() {
    return Map.copyOf(badByFeedAndReason);
  }

  public long badRecords() {
    return badByFeedAndReason.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
  }

  public Map<String, Long> lateByFeed() {
    return Map.copyOf(lateByFeed);
  }

  public Map<String, Long> customersByArchetype() {
    return Map.copyOf(customersByArchetype);
  }

  /** Files written by Spark: one per feed and day, and the truth files other than parameters and summary. */
  public long files() {
    return files;
  }

  /** The summary as written to {@code truth/summary.json}. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("customers", customers);
    m.put("days", days);
    m.put("files", files);
    m.put("feed_files", filesByFeed);
    m.put("feed_records", recordsByFeed);
    m.put("bad_records", badByFeedAndReason);
    m.put("late_records", lateByFeed);
    m.put("customers_by_archetype", customersByArchetype);
    m.put("social_users", socialUsers);
    return m;
  }

  /** One line for the log. */
  public String describe() {
    return "records " + recordsByFeed + ", bad " + badRecords() + ", late " + lateByFeed + ", files " + files;
  }
}
