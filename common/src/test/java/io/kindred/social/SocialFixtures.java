package io.kindred.social;

import io.kindred.clean.Cleaning;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Tables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Silver rows for the social-feature tests, built in plain Java with the tables' schemas, and brute-force reference
 * computations of the features over the same plain lists (replaying events one by one, no Spark).
 */
final class SocialFixtures {

  private SocialFixtures() {
  }

  /** A silver/interactions event; {@code rating} only on reviews. */
  record Ev(String id, String actor, String target, String type, Instant ts, LocalDate ingest, Integer rating) {
    LocalDate date() {
      return ts.atOffset(ZoneOffset.UTC).toLocalDate();
    }
  }

  /** A silver/transactions row; a negative amount is a return. */
  record Tx(String id, String customer, Instant ts, BigDecimal amount, String category, LocalDate ingest) {
    boolean isReturn() {
      return amount.signum() < 0;
    }

    LocalDate date() {
      return ts.atOffset(ZoneOffset.UTC).toLocalDate();
    }
  }

  /** {@code 2026-03-12T10:00} (UTC). */
  static Instant at(String localDateTime) {
    return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC);
  }

  /** An event delivered on its own (UTC) date. */
  static Ev ev(String id, String actor, String target, String type, String ts) {
    Instant t = at(ts);
    return new Ev(id, actor, target, type, t, t.atOffset(ZoneOffset.UTC).toLocalDate(), null);
  }

  static Ev review(String id, String actor, String product, String ts, int rating) {
    Instant t = at(ts);
    return new Ev(id, actor, product, SocialFeatures.REVIEW, t, t.atOffset(ZoneOffset.UTC).toLocalDate(), rating);
  }

  static Ev late(Ev e, LocalDate ingest) {
    return new Ev(e.id(), e.actor(), e.target(), e.type(), e.ts(), ingest, e.rating());
  }

  /** A transaction delivered on its own date. */
  static Tx tx(String id, String customer, String ts, String amount, String category) {
    Instant t = at(ts);
    return new Tx(id, customer, t, new BigDecimal(amount), category, t.atOffset(ZoneOffset.UTC).toLocalDate());
  }

  static Tx late(Tx t, LocalDate ingest) {
    return new Tx(t.id(), t.customer(), t.ts(), t.amount(), t.category(), ingest);
  }

  static Dataset<Row> interactions(SparkSession spark, List<Ev> events) {
    List<Row> rows = new ArrayList<>();
    for (Ev e : events) {
      rows.add(RowFactory.create(e.id(), e.actor(), e.target(), e.type(), Timestamp.from(e.ts()),
          Date.valueOf(e.date()), e.rating(), "test", Date.valueOf(e.ingest()), "run-test", "hash-" + e.id()));
    }
    return spark.createDataFrame(rows, Tables.SILVER_INTERACTIONS.schema());
  }

  /** silver/follows as clean-interactions builds it from the same events (all of them, whatever their date). */
  static Dataset<Row> follows(SparkSession spark, List<Ev> events) {
    return DeltaWrites.conform(Tables.SILVER_FOLLOWS, Cleaning.followEdges(interactions(spark, events))
        .filter(functions.not(functions.col(Cleaning.ORPHAN_UNFOLLOW))));
  }

  static Dataset<Row> transactions(SparkSession spark, List<Tx> txs) {
    List<Row> rows = new ArrayList<>();
    for (Tx t : txs) {
      rows.add(RowFactory.create(t.id(), t.customer(), Timestamp.from(t.ts()), Date.valueOf(t.date()), t.amount(),
          t.amount().setScale(4), "USD", BigDecimal.ONE.setScale(8), t.isReturn() ? -1 : 1, null, t.category(),
          null, t.isReturn(), null, "test", Date.valueOf(t.ingest()), "run-test", "hash-" + t.id()));
    }
    return spark.createDataFrame(rows, Tables.SILVER_TRANSACTIONS.schema());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Brute force.

  static Instant endOf(LocalDate day) {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * Follow pairs {@code "follower>followee"} open after replaying, in (time, id) order, the follow and unfollow
   * events with a time before {@code until} (or at it, when {@code inclusive}): a follow opens the pair, an unfollow
   * closes it. Self-follows never count.
   */
  static Set<String> openFollows(List<Ev> events, Instant until, boolean inclusive) {
    List<Ev> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(Ev::ts).thenComparing(Ev::id));
    Set<String> open = new HashSet<>();
    for (Ev e : sorted) {
      boolean before = inclusive ? !e.ts().isAfter(until) : e.ts().isBefore(until);
      if (!before || e.actor().equals(e.target())) {
        continue;
      }
      String pair = e.actor() + ">" + e.target();
      if (e.type().equals("follow")) {
        open.add(pair);
      } else if (e.type().equals("unfollow")) {
        open.remove(pair);
      }
    }
    return open;
  }

  /** {@code id -> [followers, following]} at the end of {@code asOf}. */
  static Map<String, List<Integer>> followCounts(List<Ev> events, LocalDate asOf) {
    Map<String, List<Integer>> out = new TreeMap<>();
    for (String pair : openFollows(events, endOf(asOf), false)) {
      String[] p = pair.split(">");
      out.computeIfAbsent(p[1], k -> new ArrayList<>(List.of(0, 0))).set(0, out.get(p[1]).get(0) + 1);
      out.computeIfAbsent(p[0], k -> new ArrayList<>(List.of(0, 0))).set(1, out.get(p[0]).get(1) + 1);
    }
    return out;
  }

  static boolean known(Tx t, LocalDate asOf) {
    return !t.date().isAfter(asOf) && !t.ingest().isAfter(asOf);
  }

  static boolean known(Ev e, LocalDate asOf) {
    return !e.date().isAfter(asOf) && !e.ingest().isAfter(asOf) && !e.actor().equals(e.target());
  }

  /** Net spend per customer over the {@code days} days to {@code asOf}, of known transactions. */
  static Map<String, BigDecimal> spend(List<Tx> txs, LocalDate asOf, int days) {
    Map<String, BigDecimal> out = new TreeMap<>();
    for (Tx t : txs) {
      if (known(t, asOf) && !t.date().isBefore(asOf.minusDays(days - 1L))) {
        out.merge(t.customer(), t.amount(), BigDecimal::add);
      }
    }
    return out;
  }

  /** {@code id -> [peer spend (plain string), champions followed]} for users following someone at as-of. */
  static Map<String, List<String>> peerValue(List<Ev> events, List<Tx> txs, Map<String, String> segments,
      String champion, LocalDate asOf) {
    Map<String, BigDecimal> spend = spend(txs, asOf, 90);
    Map<String, BigDecimal> peerSpend = new TreeMap<>();
    Map<String, Integer> champions = new TreeMap<>();
    for (String pair : openFollows(events, endOf(asOf), false)) {
      String[] p = pair.split(">");
      peerSpend.merge(p[0], spend.getOrDefault(p[1], BigDecimal.ZERO), BigDecimal::add);
      champions.merge(p[0], champion.equals(segments.get(p[1])) ? 1 : 0, Integer::sum);
    }
    Map<String, List<String>> out = new TreeMap<>();
    peerSpend.forEach((id, s) -> out.put(id, List.of(s.setScale(2).toPlainString(),
        String.valueOf(champions.get(id)))));
    return out;
  }

  /** Leader-triggered purchases per customer, by checking every (customer purchase, leader purchase) pair. */
  static Map<String, Integer> leaderTriggered(List<Ev> events, List<Tx> txs, Set<String> leaders, LocalDate asOf,
      int windowDays, int lookbackDays) {
    Map<String, Integer> out = new TreeMap<>();
    for (Tx p : txs) {
      if (!known(p, asOf) || p.isReturn() || p.category() == null
          || p.date().isBefore(asOf.minusDays(lookbackDays - 1L))) {
        continue;
      }
      boolean triggered = false;
      for (Tx q : txs) {
        if (!known(q, asOf) || q.isReturn() || !leaders.contains(q.customer()) || q.customer().equals(p.customer())
            || !p.category().equals(q.category())) {
          continue;
        }
        boolean inWindow = p.ts().isAfter(q.ts()) && !p.ts().isAfter(q.ts().plus(Duration.ofDays(windowDays)));
        if (inWindow && openFollows(events, q.ts(), true).contains(p.customer() + ">" + q.customer())) {
          triggered = true;
        }
      }
      if (triggered) {
        out.merge(p.customer(), 1, Integer::sum);
      }
    }
    return out;
  }

  /**
   * {@code referrer -> [referred (distinct), converted, revenue]}: a referred user's first known purchase credits
   * the latest referral at or before it (ties: larger event id) with their net spend in [first, first + days).
   */
  static Map<String, List<String>> referrals(List<Ev> events, List<Tx> txs, LocalDate asOf, int days) {
    Map<String, Set<String>> made = new TreeMap<>();
    List<Ev> refs = new ArrayList<>();
    for (Ev e : events) {
      if (known(e, asOf) && e.type().equals("referral")) {
        made.computeIfAbsent(e.actor(), k -> new TreeSet<>()).add(e.target());
        refs.add(e);
      }
    }
    Map<String, Instant> first = new HashMap<>();
    for (Tx t : txs) {
      if (known(t, asOf) && !t.isReturn()) {
        first.merge(t.customer(), t.ts(), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    Map<String, Integer> converted = new TreeMap<>();
    Map<String, BigDecimal> revenue = new TreeMap<>();
    for (Map.Entry<String, Instant> f : first.entrySet()) {
      Ev credited = null;
      for (Ev r : refs) {
        if (r.target().equals(f.getKey()) && !r.ts().isAfter(f.getValue()) && (credited == null
            || r.ts().isAfter(credited.ts()) || r.ts().equals(credited.ts()) && r.id().compareTo(credited.id()) > 0)) {
          credited = r;
        }
      }
      if (credited == null) {
        continue;
      }
      BigDecimal sum = BigDecimal.ZERO;
      for (Tx t : txs) {
        if (known(t, asOf) && t.customer().equals(f.getKey()) && !t.ts().isBefore(f.getValue())
            && t.ts().isBefore(f.getValue().plus(Duration.ofDays(days)))) {
          sum = sum.add(t.amount());
        }
      }
      converted.merge(credited.actor(), 1, Integer::sum);
      revenue.merge(credited.actor(), sum, BigDecimal::add);
    }
    Map<String, List<String>> out = new TreeMap<>();
    made.forEach((id, targets) -> out.put(id, List.of(String.valueOf(targets.size()),
        String.valueOf(converted.getOrDefault(id, 0)),
        revenue.getOrDefault(id, BigDecimal.ZERO).setScale(2, RoundingMode.UNNECESSARY).toPlainString())));
    return out;
  }
}
