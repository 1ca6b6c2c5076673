package io.kindred.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindred.config.KindredConfig;
import io.kindred.lake.Location;
import io.kindred.ops.Steps;
import io.kindred.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The generator on a small run (2,000 customers, 30 days): determinism, the raw-feed contract, and truth files that
 * agree with what an independent reading of the raw files finds.
 */
class SampleGeneratorTest {

  static final long CUSTOMERS = 2_000;
  static final int DAYS = 30;
  static final LocalDate END = LocalDate.of(2026, 3, 31);
  static final LocalDate START = END.minusDays(DAYS - 1);
  static final Set<String> CURRENCIES = Set.of("USD", "EUR", "GBP", "CAD", "JPY");
  static final Set<String> TYPES = Set.of("follow", "unfollow", "like", "comment", "share", "mention", "referral",
      "review");
  static final ObjectMapper JSON = new ObjectMapper();
  static final Steps STEPS = new Steps(LoggerFactory.getLogger(SampleGeneratorTest.class));

  @TempDir
  static Path dir;
  static Path first;
  static GenerationSummary firstSummary;

  static SampleSpec spec(long customers, int days, long seed, Map<String, String> overrides) {
    Map<String, String> full = new LinkedHashMap<>();
    overrides.forEach((k, v) -> full.put("kindred.generate." + k, v));
    GeneratorSettings settings = GeneratorSettings.from(KindredConfig.load(null, full).section("generate"));
    return new SampleSpec(customers, days, END, seed, settings);
  }

  static GenerationSummary generate(SampleSpec spec, Path out) throws IOException {
    return SampleGenerator.generate(SharedSpark.session(), spec, Location.of(out), false, STEPS);
  }

  @BeforeAll
  static void generateOnce() throws IOException {
    first = dir.resolve("first");
    firstSummary = generate(spec(CUSTOMERS, DAYS, 7, Map.of()), first);
  }

  // ------------------------------------------------------------------------------------------------ determinism

  static Map<String, String> tree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      Map<String, String> out = new TreeMap<>();
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  @Test
  void sameSeedGivesIdenticalFilesAndAnotherSeedDifferentOnes() throws IOException {
    Path again = dir.resolve("again");
    Path other = dir.resolve("other");
    generate(spec(CUSTOMERS, DAYS, 7, Map.of()), again);
    generate(spec(CUSTOMERS, DAYS, 8, Map.of()), other);

    Map<String, String> a = tree(first);
    Map<String, String> b = tree(again);
    Map<String, String> c = tree(other);

    assertEquals(a.keySet(), b.keySet());
    for (String file : a.keySet()) {
      assertEquals(a.get(file), b.get(file), "same seed, same bytes: " + file);
    }
    assertEquals(a.keySet().stream().filter(f -> !f.startsWith("truth")).toList(),
        c.keySet().stream().filter(f -> !f.startsWith("truth")).toList(), "the layout does not depend on the seed");
    assertNotEquals(a.get("transactions/2026-03-10/transactions-2026-03-10-00000.csv"),
        c.get("transactions/2026-03-10/transactions-2026-03-10-00000.csv"));
    assertNotEquals(a.get("truth/customers.csv"), c.get("truth/customers.csv"));
  }

  @Test
  void thePartitionCountDoesNotChangeAByte() throws IOException {
    Path split = dir.resolve("split");
    SampleSpec fivePartitions = spec(CUSTOMERS, DAYS, 7, Map.of("users-per-partition", "700"));
    assertEquals(5, SampleGenerator.partitionsFor(fivePartitions));
    assertEquals(1, SampleGenerator.partitionsFor(spec(CUSTOMERS, DAYS, 7, Map.of())));
    generate(fivePartitions, split);

    Map<String, String> a = tree(first);
    Map<String, String> b = tree(split);
    a.remove("truth/parameters.json");
    b.remove("truth/parameters.json");

    assertEquals(a, b);
  }

  @Test
  void refusesToOverwriteFeedsUnlessAsked() throws IOException {
    Path out = dir.resolve("refuse");
    Files.createDirectories(out.resolve("transactions"));
    SampleSpec tiny = spec(20, 3, 1, Map.of());

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> generate(tiny, out));
    assertEquals("Output " + Location.of(out) + " already holds [transactions]; expected no feed folders there "
        + "(pass --overwrite to replace them)", e.getMessage());

    SampleGenerator.generate(SharedSpark.session(), tiny, Location.of(out), true, STEPS);
    assertTrue(Files.isRegularFile(out.resolve("truth/summary.json")));
    assertFalse(Files.exists(out.resolve(SampleGenerator.STAGING)));
  }

  // ------------------------------------------------------------------------------------------------ the contract

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one file of a feed on a day, checking its name. */
  static Path fileOf(String feed, LocalDate day) throws IOException {
    Path folder = first.resolve(feed).resolve(day.toString());
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), folder + " holds " + all);
      String name = all.get(0).getFileName().toString();
      assertTrue(Pattern.matches(feed + "-" + day + "-\\d{5}\\.(csv|jsonl)", name), name);
      return all.get(0);
    }
  }

  static boolean isJsonDay(LocalDate day) {
    return (day.toEpochDay() - START.toEpochDay() + 1) % 7 == 0;
  }

  @Test
  void everyDayHasOneFilePerFeedWithHeadersAndTheDaysFormat() throws IOException {
    try (Stream<Path> feeds = Files.list(first)) {
      assertEquals(List.of("customers", "fx_rates", "interactions", "transactions", "truth"),
          feeds.map(p -> p.getFileName().toString()).sorted().toList());
    }
    int jsonDays = 0;
    for (LocalDate day = START; !day.isAfter(END); day = day.plusDays(1)) {
      Path customers = fileOf("customers", day);
      assertTrue(customers.toString().endsWith(".csv"));
      assertEquals("customer_id,email,phone,country,signup_date,marketing_consent,consent_updated_at,updated_at",
          lines(customers).get(0));
      Path fx = fileOf("fx_rates", day);
      List<String> fxLines = lines(fx);
      assertEquals("date,currency,rate_to_usd", fxLines.get(0));
      Map<String, Double> rates = new TreeMap<>();
      for (String line : fxLines.subList(1, fxLines.size())) {
        String[] f = line.split(",", -1);
        assertEquals(day.toString(), f[0]);
        rates.put(f[1], Double.parseDouble(f[2]));
      }
      assertEquals(new TreeSet<>(CURRENCIES), rates.keySet());
      assertEquals(1.0, rates.get("USD"));
      Path transactions = fileOf("transactions", day);
      if (isJsonDay(day)) {
        jsonDays++;
        assertTrue(transactions.toString().endsWith(".jsonl"), transactions.toString());
        assertTrue(lines(transactions).get(0).startsWith("{"));
      } else {
        assertTrue(transactions.toString().endsWith(".csv"), transactions.toString());
        assertEquals("transaction_id,customer_id,timestamp,amount,currency,quantity,product_id,category,channel,"
            + "original_transaction_id", lines(transactions).get(0));
      }
      assertTrue(fileOf("interactions", day).toString().endsWith(".jsonl"));
    }
    assertEquals(4, jsonDays, "days 7, 14, 21, 28 of 30");
  }

  @Test
  void fxRatesDriftALittleFromDayToDay() throws IOException {
    double previous = Double.NaN;
    int changes = 0;
    for (LocalDate day = START; !day.isAfter(END); day = day.plusDays(1)) {
      double eur = lines(fileOf("fx_rates", day)).stream().filter(l -> l.contains(",EUR,"))
          .mapToDouble(l -> Double.parseDouble(l.split(",")[2])).findFirst().orElseThrow();
      if (!Double.isNaN(previous)) {
        assertTrue(Math.abs(Math.log(eur / previous)) < 0.03, previous + " -> " + eur);
        changes += eur != previous ? 1 : 0;
      }
      previous = eur;
    }
    assertEquals(DAYS - 1, changes);
  }

  // ------------------------------------------------------------------------------------------------ truth vs data

  /** A raw line as found in its folder. */
  record Raw(String feed, LocalDate day, String line, boolean json) {
  }

  /** Every non-header line of a feed, folder by folder in date order, each file in its order. */
  static List<Raw> raw(String feed) throws IOException {
    List<Raw> out = new ArrayList<>();
    for (LocalDate day = START; !day.isAfter(END); day = day.plusDays(1)) {
      Path file = fileOf(feed, day);
      boolean json = file.toString().endsWith(".jsonl");
      List<String> all = lines(file);
      for (String line : json ? all : all.subList(1, all.size())) {
        out.add(new Raw(feed, day, line, json));
      }
    }
    return out;
  }

  static JsonNode parseJson(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** The defects of a timestamp: unparseable, or after the end of its folder's day. */
  static List<String> timestampDefects(String timestamp, LocalDate folder) {
    try {
      Instant at = OffsetDateTime.parse(timestamp, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return at.isBefore(folder.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()) ? List.of()
          : List.of("future_timestamp");
    } catch (DateTimeParseException e) {
      return List.of("bad_timestamp");
    }
  }

  /** The defects an independent reader finds in each line, by (feed, reason). */
  static Map<String, Long> defectsFound() throws IOException {
    Map<String, Long> found = new TreeMap<>();
    // transactions
    Set<String> seenLines = new HashSet<>();
    Set<String> seenIds = new HashSet<>();
    for (Raw r : raw("transactions")) {
      List<String> defects = new ArrayList<>();
      if (!seenLines.add(r.line())) {
        defects.add("exact_duplicate");
      } else {
        Map<String, String> f = new HashMap<>();
        boolean malformed;
        if (r.json()) {
          JsonNode node = parseJson(r.line());
          malformed = node == null;
          if (!malformed) {
            for (String k : RawFeeds.TransactionFields.ALL) {
              f.put(k, text(node, k));
            }
          }
        } else {
          String[] fields = r.line().split(",", -1);
          malformed = fields.length != 10 || r.line().contains("\"");
          if (!malformed) {
            for (int k = 0; k < 10; k++) {
              f.put(RawFeeds.TransactionFields.ALL.get(k), fields[k]);
            }
          }
        }
        if (malformed) {
          defects.add("malformed_record");
        } else {
          assertTrue(Pattern.matches("T\\d{12}", f.get("transaction_id")), r.line());
          assertTrue(Pattern.matches("P\\d{5}", f.get("product_id")), r.line());
          if (f.get("customer_id").isEmpty()) {
            defects.add("missing_customer_id");
          } else {
            assertTrue(Pattern.matches("C\\d{8}", f.get("customer_id")), r.line());
          }
          defects.addAll(timestampDefects(f.get("timestamp"), r.day()));
          if (!CURRENCIES.contains(f.get("currency"))) {
            defects.add("unknown_currency");
          }
          double amount = Double.parseDouble(f.get("amount"));
          int quantity = Integer.parseInt(f.get("quantity"));
          boolean isReturn = !f.get("original_transaction_id").isEmpty();
          if (isReturn) {
            assertTrue(quantity < 0 && amount < 0, "a return is negative: " + r.line());
          } else if (amount <= 0) {
            defects.add("non_positive_amount");
          } else {
            assertTrue(quantity > 0, r.line());
          }
          if (defects.isEmpty() && !seenIds.add(f.get("transaction_id"))) {
            defects.add("conflicting_duplicate");
          }
        }
      }
      assertTrue(defects.size() <= 1, "one defect at most: " + defects + " in " + r.line());
      defects.forEach(d -> found.merge("transactions/" + d, 1L, Long::sum));
    }
    // interactions
    seenLines.clear();
    for (Raw r : raw("interactions")) {
      List<String> defects = new ArrayList<>();
      JsonNode node = parseJson(r.line());
      if (!seenLines.add(r.line())) {
        defects.add("exact_duplicate");
      } else if (node == null) {
        defects.add("malformed_record");
      } else {
        assertTrue(Pattern.matches("E\\d{12}", text(node, "event_id")), r.line());
        String type = text(node, "type");
        if (!TYPES.contains(type)) {
          defects.add("unknown_interaction_type");
        }
        if (text(node, "actor").equals(text(node, "target"))) {
          defects.add("self_interaction");
        }
        if (type.equals("review")) {
          assertTrue(Pattern.matches("P\\d{5}", text(node, "target")), r.line());
          int rating = node.get("rating").asInt();
          if (rating < 1 || rating > 5) {
            defects.add("rating_out_of_range");
          }
        } else {
          assertTrue(Pattern.matches("[CS]\\d{8}", text(node, "target")), r.line());
          assertFalse(node.has("rating"), r.line());
        }
        assertTrue(Pattern.matches("[CS]\\d{8}", text(node, "actor")), r.line());
        defects.addAll(timestampDefects(text(node, "timestamp"), r.day()));
      }
      assertTrue(defects.size() <= 1, "one defect at most: " + defects + " in " + r.line());
      defects.forEach(d -> found.merge("interactions/" + d, 1L, Long::sum));
    }
    // customers
    seenLines.clear();
    for (Raw r : raw("customers")) {
      List<String> defects = new ArrayList<>();
      String[] f = r.line().split(",", -1);
      if (!seenLines.add(r.line())) {
        defects.add("exact_duplicate");
      } else if (f.length != 8) {
        defects.add("malformed_record");
      } else if (f[0].isEmpty()) {
        defects.add("missing_customer_id");
      } else {
        assertTrue(Pattern.matches("C\\d{8}", f[0]), r.line());
        assertTrue(Pattern.matches("[A-Z]{2}", f[3]), r.line());
        LocalDate.parse(f[4]);
        assertTrue(f[5].equals("true") || f[5].equals("false"), r.line());
        assertEquals(List.of(), timestampDefects(f[6], r.day()), r.line());
        assertEquals(List.of(), timestampDefects(f[7], r.day()), r.line());
      }
      defects.forEach(d -> found.merge("customers/" + d, 1L, Long::sum));
    }
    return found;
  }

  static List<JsonNode> truthJsonLines(String file) {
    return lines(first.resolve("truth").resolve(file)).stream().map(SampleGeneratorTest::parseJson).toList();
  }

  @Test
  void truthBadRecordsAreExactlyTheDefectsFoundInTheRawFiles() throws IOException {
    Map<String, Long> truth = new TreeMap<>();
    for (JsonNode bad : truthJsonLines("bad_records.jsonl")) {
      truth.merge(text(bad, "feed") + "/" + text(bad, "reason"), 1L, Long::sum);
      Path folder = first.resolve(text(bad, "feed")).resolve(text(bad, "day"));
      try (Stream<Path> files = Files.list(folder)) {
        String raw = text(bad, "raw");
        assertTrue(files.anyMatch(file -> lines(file).contains(raw)), "truth raw line is in " + folder + ": " + raw);
      }
    }

    Map<String, Long> found = defectsFound();

    assertEquals(truth, found);
    // every reason the generator injects occurs at this size with the default rates, except the rarer ones
    for (String reason : List.of("transactions/malformed_record", "transactions/missing_customer_id",
        "transactions/exact_duplicate", "interactions/rating_out_of_range", "interactions/exact_duplicate")) {
      assertTrue(found.getOrDefault(reason, 0L) > 0, reason + " in " + found);
    }
    long total = truth.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(firstSummary.badRecords(), total);
  }

  @Test
  void lateRecordsLandOneOrTwoDaysLaterAndNotOnTheirOwnDay() throws IOException {
    List<JsonNode> late = truthJsonLines("late_records.jsonl");
    assertFalse(late.isEmpty());
    for (JsonNode record : late) {
      LocalDate event = LocalDate.parse(text(record, "event_date"));
      LocalDate delivered = LocalDate.parse(text(record, "delivered_day"));
      long lag = delivered.toEpochDay() - event.toEpochDay();
      assertTrue(lag == 1 || lag == 2, record.toString());
      String feed = text(record, "feed");
      String id = text(record, "record_id");
      List<String> there = lines(fileOf(feed, delivered)).stream().filter(l -> l.contains(id)).toList();
      assertFalse(there.isEmpty(), id + " in " + feed + " " + delivered);
      if (!feed.equals("customers")) {
        assertTrue(lines(fileOf(feed, event)).stream().noneMatch(l -> l.contains("\"" + id + "\"")
            || l.startsWith(id + ",")), id + " not on its own day");
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ the models

  /** Truth customers as column -> value maps. */
  static List<Map<String, String>> truthCustomers(Path root) {
    List<String> all = lines(root.resolve("truth/customers.csv"));
    List<String> header = List.of(all.get(0).split(","));
    assertEquals(RawFeeds.TRUTH_CUSTOMER_COLUMNS, header);
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : all.subList(1, all.size())) {
      String[] f = line.split(",", -1);
      Map<String, String> m = new HashMap<>();
      for (int k = 0; k < f.length; k++) {
        m.put(header.get(k), f[k]);
      }
      out.add(m);
    }
    return out;
  }

  @Test
  void archetypeSharesAreWithinBinomialToleranceOfTheConfiguredShares() {
    Map<String, Double> configured = Map.of("champions", 0.12, "loyal", 0.20, "new", 0.15, "bargain_hunters", 0.15,
        "at_risk", 0.13, "churned", 0.15, "influencers", 0.10);
    List<Map<String, String>> customers = truthCustomers(first);
    assertEquals(CUSTOMERS, customers.size());
    Map<String, Long> counts = customers.stream().collect(Collectors.groupingBy(m -> m.get("archetype"),
        Collectors.counting()));
    assertEquals(configured.keySet(), counts.keySet());
    configured.forEach((archetype, share) -> {
      double expected = CUSTOMERS * share;
      double sigma = Math.sqrt(CUSTOMERS * share * (1 - share));
      assertTrue(Math.abs(counts.get(archetype) - expected) <= 4 * sigma,
          archetype + ": " + counts.get(archetype) + " customers, expected " + expected + " +- 4 x " + sigma);
    });
    assertEquals(counts, firstSummary.customersByArchetype());
  }

  /** Gauss's hypergeometric function 2F1(a, b; c; z) by its series, |z| < 1. */
  static double hypergeometric(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    for (int k = 0; k < 100_000 && Math.abs(term) > 1e-15 * Math.abs(sum); k++) {
      term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
      sum += term;
    }
    return sum;
  }

  /** BG/NBD expected repeat purchases in (0, t] (Fader, Hardie and Lee 2005, equation 9). */
  static double expectedRepeats(double r, double alpha, double a, double b, double t) {
    return (a + b - 1) / (a - 1) * (1 - Math.pow(alpha / (alpha + t), r)
        * hypergeometric(r, b, a + b - 1, t / (alpha + t)));
  }

  /** Checks each archetype's mean repeat purchases against E[X(T)] averaged over its customers' T. */
  static void assertRepeatPurchasesFollowBgNbd(Path root, int days, Map<String, double[]> params) {
    Instant end = END.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<String, List<Map<String, String>>> byArchetype = truthCustomers(root).stream()
        .collect(Collectors.groupingBy(m -> m.get("archetype")));
    params.forEach((archetype, p) -> {
      List<Map<String, String>> group = byArchetype.get(archetype);
      double expected = 0;
      double observed = 0;
      double squares = 0;
      for (Map<String, String> c : group) {
        double t = (end.getEpochSecond() - Instant.parse(c.get("first_purchase_at")).getEpochSecond()) / 86_400.0;
        assertTrue(t > 0 && t <= days, "T = " + t);
        expected += expectedRepeats(p[0], p[1], p[2], p[3], t);
        double repeats = Integer.parseInt(c.get("purchases")) - 1;
        observed += repeats;
        squares += repeats * repeats;
      }
      int n = group.size();
      expected /= n;
      observed /= n;
      double sd = Math.sqrt(Math.max(squares / n - observed * observed, 1e-9));
      double tolerance = 4 * sd / Math.sqrt(n);
      assertTrue(Math.abs(observed - expected) <= tolerance, archetype + ": mean repeat purchases " + observed
          + ", BG/NBD expects " + expected + " +- " + tolerance + " (n = " + n + ")");
    });
  }

  @Test
  void meanRepeatPurchasesPerArchetypeFollowTheBgNbdExpectation() {
    assertRepeatPurchasesFollowBgNbd(first, DAYS, Map.of(
        "champions", new double[] {24, 200, 1.5, 60},
        "loyal", new double[] {20, 400, 1.5, 45},
        "new", new double[] {12, 200, 1.5, 15},
        "bargain_hunters", new double[] {16, 200, 1.5, 37},
        "at_risk", new double[] {16, 200, 4, 16},
        "churned", new double[] {9, 150, 12, 4},
        "influencers", new double[] {20, 400, 1.5, 45}));
  }

  @Test
  void aPureBgNbdConfigurationHasOneArchetypeAllSignedUpOnDayOneAndNoBoost() throws IOException {
    Map<String, String> pure = new LinkedHashMap<>();
    for (Archetype a : Archetype.values()) {
      pure.put("archetypes." + a.code() + ".share", a == Archetype.LOYAL ? "1" : "0");
    }
    pure.put("archetypes.loyal.signup-to", "0");
    pure.put("archetypes.loyal.r", "2");
    pure.put("archetypes.loyal.alpha", "20");
    pure.put("archetypes.loyal.a", "2");
    pure.put("archetypes.loyal.b", "6");
    pure.put("influence-boost", "0");
    pure.put("non-customer-influencer-share", "0");
    Path out = dir.resolve("pure");
    generate(spec(1_500, 60, 11, pure), out);

    List<Map<String, String>> customers = truthCustomers(out);
    assertEquals(1_500, customers.size());
    for (Map<String, String> c : customers) {
      assertEquals("loyal", c.get("archetype"));
      assertEquals(END.minusDays(59).toString(), c.get("signup_date"));
      assertEquals("0", c.get("boosted_purchases"));
    }
    assertRepeatPurchasesFollowBgNbd(out, 60, Map.of("loyal", new double[] {2, 20, 2, 6}));
  }

  @Test
  void returnsNameAnEarlierPurchaseOfTheSameCustomerWithinThirtyDays() throws IOException {
    Map<String, String[]> purchases = new HashMap<>();
    List<String[]> returns = new ArrayList<>();
    for (Raw r : raw("transactions")) {
      String[] f;
      if (r.json()) {
        JsonNode node = parseJson(r.line());
        f = node == null ? null
            : RawFeeds.TransactionFields.ALL.stream().map(k -> text(node, k)).toArray(String[]::new);
      } else {
        f = r.line().split(",", -1);
      }
      if (f == null || f.length != 10) {
        continue;
      }
      if (f[9].isEmpty()) {
        purchases.putIfAbsent(f[0], f);
      } else {
        returns.add(f);
      }
    }
    int checked = 0;
    for (String[] ret : returns) {
      String[] purchase = purchases.get(ret[9]);
      if (purchase == null || ret[1].isEmpty() || !CURRENCIES.contains(ret[4])) {
        continue;
      }
      Instant bought;
      Instant returned;
      try {
        bought = OffsetDateTime.parse(purchase[2]).toInstant();
        returned = OffsetDateTime.parse(ret[2]).toInstant();
      } catch (DateTimeParseException e) {
        continue;
      }
      if (returned.isAfter(END.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
        continue;
      }
      checked++;
      assertEquals(purchase[1], ret[1], "same customer");
      assertEquals(purchase[6], ret[6], "same product");
      assertEquals(-Integer.parseInt(purchase[5]), Integer.parseInt(ret[5]));
      long days = (returned.getEpochSecond() - bought.getEpochSecond()) / 86_400;
      assertTrue(days >= 1 && days <= 30, "returned " + days + " days later: " + String.join(",", ret));
    }
    assertTrue(checked > 50, "returns checked: " + checked);
  }

  @Test
  void changedCustomersAppearAgainWithALaterUpdatedAt() throws IOException {
    Map<String, List<Instant>> versions = new HashMap<>();
    for (Raw r : raw("customers")) {
      String[] f = r.line().split(",", -1);
      if (f.length == 8 && !f[0].isEmpty()) {
        versions.computeIfAbsent(f[0], k -> new ArrayList<>()).add(OffsetDateTime.parse(f[7]).toInstant());
      }
    }
    assertEquals(CUSTOMERS, versions.size(), "every customer has a record");
    long changed = versions.values().stream().filter(v -> new HashSet<>(v).size() > 1).count();
    assertTrue(changed > 0.1 * CUSTOMERS && changed < 0.2 * CUSTOMERS, changed + " changed customers");
  }

  @Test
  void badSettingsNameTheKeyAndTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> spec(10, 10, 1, Map.of("late-rate", "1.5")));
    assertEquals("kindred.generate.late-rate is 1.5; expected 0 .. 1", e.getMessage());
    IllegalArgumentException shares = assertThrows(IllegalArgumentException.class, () -> spec(10, 10, 1,
        Stream.of(Archetype.values()).collect(Collectors.toMap(a -> "archetypes." + a.code() + ".share", a -> "0"))));
    assertEquals("kindred.generate.archetypes: the shares sum to 0.0; expected at least one archetype with a share "
        + "above 0", shares.getMessage());
  }
}
