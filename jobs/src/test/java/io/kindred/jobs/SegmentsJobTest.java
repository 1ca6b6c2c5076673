package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.kindred.clean.Feed;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.clean.CleanJob;
import io.kindred.jobs.clean.CleanOptions;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.lake.Tables.AudienceLiftColumns;
import io.kindred.lake.Tables.AudienceMembershipColumns;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerSegmentColumns;
import io.kindred.lake.Tables.ExportColumns;
import io.kindred.lake.Tables.MembershipChangeColumns;
import io.kindred.lake.Tables.SegmentModelColumns;
import io.kindred.lake.Tables.SegmentSweepColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.measure.Lift;
import io.kindred.ops.RunMetrics;
import io.kindred.report.Readable;
import io.kindred.segments.ClusteringAlgorithm;
import io.kindred.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segmentation stage end to end on one generated world, shared by every test: {@code kindred generate}, the
 * cleaning of customers and transactions, features as of D and a week later, then train-segments, score-segments and
 * publish-audiences as of D. Each test works on its own copy of that lakehouse.
 *
 * <p>The world's archetypes are set further apart than the generator's defaults (see {@link #WORLD}). With the
 * defaults they overlap so much that no segmentation of the transaction features recovers them (measured on 4,000
 * customers: adjusted Rand index 0.41 at k = 7): loyal customers and influencers differ only in social behaviour
 * (this stage's features hold no social columns until build-social-features fills them), at-risk customers who have
 * not dropped out yet buy like loyal ones, and loyal and champion customers who drop out look at risk. So the world
 * has no influencers archetype, at-risk customers lapse soon after a short burst, churned ones lapse right after
 * signing up, loyal, champion and bargain-hunting customers rarely drop out, and champions buy more often and
 * spend more. Every customer counts in the index.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SegmentsJobTest {

  /** The night the first model is trained on, and the night a week later. */
  static final LocalDate D = LocalDate.of(2026, 3, 1);
  static final LocalDate NEXT_WEEK = D.plusDays(7);
  static final int CUSTOMERS = 1_500;
  /** 90 days of history by D. */
  static final int DAYS = 97;

  /** The generator's settings that set the archetypes apart (kindred.generate.*), see the class comment. */
  static final Map<String, String> WORLD = Map.ofEntries(
      Map.entry("archetypes.influencers.share", "0"),
      Map.entry("archetypes.champions.alpha", "96"),
      Map.entry("archetypes.champions.gamma", "500"),
      Map.entry("archetypes.champions.b", "200"),
      Map.entry("archetypes.loyal.alpha", "200"),
      Map.entry("archetypes.loyal.b", "400"),
      Map.entry("archetypes.loyal.gamma", "150"),
      Map.entry("archetypes.loyal.signup-to", "0.35"),
      Map.entry("archetypes.bargain_hunters.b", "150"),
      Map.entry("archetypes.bargain_hunters.signup-to", "0.35"),
      Map.entry("archetypes.new.signup-last-days", "30"),
      Map.entry("archetypes.at_risk.alpha", "80"),
      Map.entry("archetypes.at_risk.a", "12"),
      Map.entry("archetypes.at_risk.b", "4"),
      Map.entry("archetypes.at_risk.signup-from", "0.35"),
      Map.entry("archetypes.at_risk.signup-to", "0.55"),
      Map.entry("archetypes.churned.alpha", "60"),
      Map.entry("archetypes.churned.signup-to", "0.08"));

  private final SparkSession spark = SharedSpark.session();

  private Path world;
  private String firstVersion;

  private KindredConfig config(Path lakehouse, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>();
    WORLD.forEach((k, v) -> all.put("kindred.generate." + k, v));
    all.put("kindred.lakehouse", lakehouse.toString());
    // the churn model needs two horizons of history: this world's scores do without it
    all.put("kindred.features.churn.enabled", "false");
    // Champions here buy more often and spend more, against Gamma-Gamma's assumption: its likelihood has no maximum
    // on this world (p runs off to infinity), so the features are fitted with the shape penalty the job's error
    // message recommends.
    all.put("kindred.features.clv.gamma-gamma-shape-penalty", "0.001");
    all.putAll(extra);
    return KindredConfig.load(null, all);
  }

  private JobContext context(Path lakehouse, String job, LocalDate date, Map<String, String> extra) {
    KindredConfig config = config(lakehouse, extra);
    return new JobContext(spark, config, new Lakehouse(Location.parse(config.getString("lakehouse"))), date, job);
  }

  private JobContext context(Path lakehouse, String job, LocalDate date) {
    return context(lakehouse, job, date, Map.of());
  }

  private static Lakehouse lake(Path lakehouse) {
    return new Lakehouse(Location.of(lakehouse));
  }

  @BeforeAll
  void buildTheWorld(@TempDir Path shared) throws Exception {
    world = shared.resolve("world");
    LocalDate first = NEXT_WEEK.minusDays(DAYS - 1L);
    GenerateCommand.generate(context(world, "generate", NEXT_WEEK), CUSTOMERS, DAYS, 42,
        Location.of(world.resolve("raw")), false);
    for (Feed feed : List.of(Feed.CUSTOMERS, Feed.TRANSACTIONS)) {
      CleanJob.run(context(world, "clean-" + feed.code(), NEXT_WEEK), feed, new CleanOptions()
          .withInput(world.resolve("raw").resolve(feed.code()).toString()).withFromDate(first));
    }
    new BuildFeaturesCommand().build(context(world, "build-features", D));
    new BuildFeaturesCommand().build(context(world, "build-features", NEXT_WEEK));
    firstVersion = new TrainSegmentsCommand().train(context(world, "train-segments", D)).version();
    new ScoreSegmentsCommand().score(context(world, "score-segments", D));
    new PublishAudiencesCommand().publish(context(world, "publish-audiences", D));
  }

  /** A copy of the shared lakehouse for one test. */
  private Path copyOfWorld(Path dir) {
    Path copy = dir.resolve("lake");
    try (Stream<Path> files = Files.walk(world)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(world.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  /** customer id -> archetype, from the generator's truth. */
  private Map<String, String> archetypes() throws IOException {
    Map<String, String> out = new HashMap<>();
    List<String> lines = Files.readAllLines(world.resolve("raw/truth/customers.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      out.put(f[0], f[1]);
    }
    return out;
  }

  /** The adjusted Rand index (Hubert and Arabie 1985) of two labelings of the same items. */
  static double adjustedRandIndex(List<String> truth, List<Integer> predicted) {
    Map<String, Long> rows = new HashMap<>();
    Map<Integer, Long> columns = new HashMap<>();
    Map<String, Long> cells = new HashMap<>();
    for (int i = 0; i < truth.size(); i++) {
      rows.merge(truth.get(i), 1L, Long::sum);
      columns.merge(predicted.get(i), 1L, Long::sum);
      cells.merge(truth.get(i) + "\u0001" + predicted.get(i), 1L, Long::sum);
    }
    double index = cells.values().stream().mapToDouble(SegmentsJobTest::pairs).sum();
    double a = rows.values().stream().mapToDouble(SegmentsJobTest::pairs).sum();
    double b = columns.values().stream().mapToDouble(SegmentsJobTest::pairs).sum();
    double expected = a * b / pairs(truth.size());
    return (index - expected) / ((a + b) / 2 - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }

  /** customer id -> segment id in gold/customer_segments. */
  private Map<String, Integer> segmentOf(Path lakehouse) {
    Map<String, Integer> out = new HashMap<>();
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_SEGMENTS)
        .select(CustomerSegmentColumns.CUSTOMER_ID, CustomerSegmentColumns.SEGMENT_ID).collectAsList()) {
      out.put(r.getString(0), r.getInt(1));
    }
    return out;
  }

  /** segment id -> name of a recorded model. */
  private Map<Integer, String> namesOf(Path lakehouse, String version) {
    Map<Integer, String> out = new TreeMap<>();
    Row model = lake(lakehouse).read(spark, Tables.GOLD_SEGMENT_MODELS)
        .filter(col(SegmentModelColumns.VERSION).equalTo(version)).first();
    for (Row s : model.<Row>getList(model.fieldIndex(SegmentModelColumns.SEGMENTS))) {
      out.put(s.getInt(0), s.getString(2));
    }
    return out;
  }

  @Test
  void segmentsRecoverTheArchetypes() throws IOException {
    Map<String, String> archetype = archetypes();
    Map<String, Integer> segment = segmentOf(world);
    List<String> truth = new ArrayList<>();
    List<Integer> predicted = new ArrayList<>();
    segment.forEach((customer, id) -> {
      truth.add(archetype.get(customer));
      predicted.add(id);
    });
    long customersAtD = lake(world).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D)))).count();

    double ari = adjustedRandIndex(truth, predicted);
    System.out.println("adjusted Rand index " + ari + " over " + segment.size() + " customers, "
        + new HashSet<>(predicted).size() + " segments");

    assertEquals(customersAtD, segment.size());
    assertTrue(ari >= 0.8, "adjusted Rand index " + ari + " of " + segment.size() + " customers");
    Row model = lake(world).read(spark, Tables.GOLD_SEGMENT_MODELS).first();
    assertEquals(firstVersion, model.getAs(SegmentModelColumns.VERSION));
    // the social features are null in this world: left out of the model, as configured
    assertEquals(List.of("influence", "followers"), model.getList(model.fieldIndex(SegmentModelColumns.DROPPED_FEATURES)));
    assertEquals(List.of("recency_days", "tenure_days", "purchase_days", "monetary_per_day"),
        model.getList(model.fieldIndex(SegmentModelColumns.FEATURES)));
    // the sweep: every k of 3..8, the chosen one the admissible k with the highest silhouette
    List<Row> sweep = lake(world).read(spark, Tables.GOLD_SEGMENT_MODEL_SWEEPS).orderBy(SegmentSweepColumns.K)
        .collectAsList();
    assertEquals(List.of(3, 4, 5, 6, 7, 8), sweep.stream().map(r -> r.<Integer>getAs(SegmentSweepColumns.K)).toList());
    Row best = sweep.stream().filter(r -> r.<Boolean>getAs(SegmentSweepColumns.ADMISSIBLE))
        .max(java.util.Comparator.comparingDouble(r -> r.<Double>getAs(SegmentSweepColumns.SILHOUETTE))).orElseThrow();
    assertEquals(List.of(best.<Integer>getAs(SegmentSweepColumns.K)), sweep.stream()
        .filter(r -> r.<Boolean>getAs(SegmentSweepColumns.CHOSEN)).map(r -> r.<Integer>getAs(SegmentSweepColumns.K))
        .toList());
    assertEquals(best.<Integer>getAs(SegmentSweepColumns.K), model.<Integer>getAs(SegmentModelColumns.K));
    assertEquals(model.<Integer>getAs(SegmentModelColumns.K), new HashSet<>(predicted).size());
    // the saved model scores as the table says
    PipelineModel.load(model.getAs(SegmentModelColumns.MODEL_PATH));
  }

  /** The ARI of the segments scored in a lakehouse against the generator's archetypes. */
  private double ariOf(Path lakehouse) throws IOException {
    Map<String, String> archetype = archetypes();
    List<String> truth = new ArrayList<>();
    List<Integer> predicted = new ArrayList<>();
    segmentOf(lakehouse).forEach((customer, id) -> {
      truth.add(archetype.get(customer));
      predicted.add(id);
    });
    return adjustedRandIndex(truth, predicted);
  }

  @Test
  void aLargePopulationIsSampledForTrainingAndEachAlgorithmSegmentsEveryCustomer(@TempDir Path dir) throws Exception {
    Path lakehouse = copyOfWorld(dir);
    long population = lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D)))).count();
    Map<String, Double> ari = new TreeMap<>();
    for (ClusteringAlgorithm algorithm : ClusteringAlgorithm.values()) {
      // The default algorithm fits as the night does; the others from one start per k (the restarts are the same
      // code for every algorithm, and three starts of each k would only repeat them).
      Map<String, String> settings = algorithm == ClusteringAlgorithm.KMEANS
          ? Map.of("kindred.segments.max-training-customers", "1000")
          : Map.of("kindred.segments.max-training-customers", "1000", "kindred.segments.restarts", "1");
      String version = new TrainSegmentsCommand().algorithm(algorithm).train(context(lakehouse,
          "train-segments", D, settings)).version();
      new ScoreSegmentsCommand().score(context(lakehouse, "score-segments", D));
      Row model = lake(lakehouse).read(spark, Tables.GOLD_SEGMENT_MODELS)
          .filter(col(SegmentModelColumns.VERSION).equalTo(version)).first();
      assertEquals(algorithm.code(), model.getAs(SegmentModelColumns.ALGORITHM));
      assertEquals(population, model.<Long>getAs(SegmentModelColumns.POPULATION));
      long trained = model.<Long>getAs(SegmentModelColumns.TRAINING_CUSTOMERS);
      // a Bernoulli sample of 1.05 x 1000 / population, cut at 1000: 1000 unless the draw fell short (sd ~ 14)
      assertTrue(trained <= 1000 && trained >= 950, trained + " training customers");
      int k = model.<Integer>getAs(SegmentModelColumns.K);
      assertTrue(k >= 3 && k <= 8, "k = " + k);
      // every customer of the night is scored, sampled or not, into one of the model's k segments
      Map<String, Integer> segment = segmentOf(lakehouse);
      assertEquals(population, segment.size());
      assertEquals(Set.copyOf(namesOf(lakehouse, version).keySet()), Set.copyOf(segment.values()));
      ari.put(algorithm.code(), ariOf(lakehouse));
    }
    System.out.println("trained on 1000 of " + population + " customers: adjusted Rand index " + ari);
    // the default algorithm recovers the archetypes from a sample too (from 600 of them, silhouette ties k = 5 with
    // the archetypes' k = 6: 0.6568 and 0.6551, and the index falls to 0.69)
    assertTrue(ari.get("kmeans") >= 0.8, "kmeans on a sample: adjusted Rand index " + ari.get("kmeans"));
  }

  /** Customers with a transaction dated in (from, to]. */
  private Set<String> customersWithTransactions(Path lakehouse, LocalDate from, LocalDate to) {
    Set<String> out = new HashSet<>();
    for (Row r : lake(lakehouse).read(spark, Tables.SILVER_TRANSACTIONS)
        .filter(col(TransactionColumns.TRANSACTION_DATE).gt(lit(Date.valueOf(from)))
            .and(col(TransactionColumns.TRANSACTION_DATE).leq(lit(Date.valueOf(to)))))
        .select(TransactionColumns.CUSTOMER_ID).distinct().collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  @Test
  void retrainingOnTheNextWeekKeepsTheIdsAndNamesOfCustomersWhoseBehaviourDidNotChange(@TempDir Path dir)
      throws Exception {
    Path lakehouse = copyOfWorld(dir);
    Map<String, Integer> before = segmentOf(lakehouse);

    // the model of D is a week old and the interval eight days: --if-due trains nothing
    TrainSegmentsCommand.Result notDue = new TrainSegmentsCommand().ifDue(true)
        .train(context(lakehouse, "train-segments", NEXT_WEEK, Map.of("kindred.segments.retrain-interval-days", "8")));
    assertNull(notDue.version());
    assertEquals(1, lake(lakehouse).read(spark, Tables.GOLD_SEGMENT_MODELS).count());
    TrainSegmentsCommand.Result retrained = new TrainSegmentsCommand().ifDue(true).train(context(lakehouse,
        "train-segments", NEXT_WEEK, Map.of("kindred.segments.retrain-interval-days", "7")));
    new ScoreSegmentsCommand().score(context(lakehouse, "score-segments", NEXT_WEEK));
    Map<String, Integer> after = segmentOf(lakehouse);

    Set<String> unchanged = new TreeSet<>(before.keySet());
    unchanged.removeAll(customersWithTransactions(lakehouse, D, NEXT_WEEK));
    long kept = unchanged.stream().filter(c -> before.get(c).equals(after.get(c))).count();
    assertTrue(unchanged.size() > CUSTOMERS / 2, unchanged.size() + " customers without a transaction that week");
    System.out.println(kept + " of " + unchanged.size() + " customers without a transaction that week kept their id");
    assertTrue(kept >= 0.95 * unchanged.size(), kept + " of " + unchanged.size() + " unchanged customers kept their "
        + "segment id");
    // names follow ids: every id the new model continues has the old model's name
    Map<Integer, String> oldNames = namesOf(lakehouse, firstVersion);
    Map<Integer, String> newNames = namesOf(lakehouse, retrained.version());
    Set<Integer> continued = new TreeSet<>(oldNames.keySet());
    continued.retainAll(newNames.keySet());
    assertTrue(continued.size() >= oldNames.size() - 1, "continued " + continued + " of " + oldNames.keySet());
    for (int id : continued) {
      assertEquals(oldNames.get(id), newNames.get(id), "name of segment " + id);
    }
    Row model = lake(lakehouse).read(spark, Tables.GOLD_SEGMENT_MODELS)
        .filter(col(SegmentModelColumns.VERSION).equalTo(retrained.version())).first();
    assertEquals(firstVersion, model.getAs(SegmentModelColumns.PREVIOUS_VERSION));
    for (Row s : model.<Row>getList(model.fieldIndex(SegmentModelColumns.SEGMENTS))) {
      Integer previous = s.isNullAt(5) ? null : s.getInt(5);
      assertEquals(continued.contains(s.getInt(0)) ? (Integer) s.getInt(0) : null, previous, "segment " + s);
    }
    // the published names are the model's
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_SEGMENTS).select(CustomerSegmentColumns.SEGMENT_ID,
        CustomerSegmentColumns.SEGMENT_NAME).distinct().collectAsList()) {
      assertEquals(newNames.get(r.getInt(0)), r.getString(1));
    }
  }

  /** Rows of a frame as sorted strings. */
  private static List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(r -> r.mkString("|")).sorted().toList();
  }

  private long latestVersion(String path) {
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }

  private Dataset<Row> changeFeed(String path, long fromVersion) {
    return spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", fromVersion)
        .load(path);
  }

  private Dataset<Row> membershipChanges(Path lakehouse, LocalDate date) {
    return lake(lakehouse).read(spark, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES)
        .filter(col(MembershipChangeColumns.CHANGE_DATE).equalTo(lit(Date.valueOf(date))))
        .drop(MembershipChangeColumns.RUN_ID);
  }

  @Test
  void aRerunChangesNothingAndMovingOneCustomerChangesOnlyItsRows(@TempDir Path dir) throws Exception {
    Path lakehouse = copyOfWorld(dir);
    String path = lake(lakehouse).location(Tables.GOLD_CUSTOMER_SEGMENTS).uri();
    long scored = latestVersion(path);
    List<String> content = sorted(lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_SEGMENTS));
    List<String> moves = sorted(membershipChanges(lakehouse, D));

    ScoreSegmentsCommand.Result rerun = new ScoreSegmentsCommand().score(context(lakehouse, "score-segments", D));

    assertEquals(List.of(0L, 0L, 0L), List.of(rerun.inserted(), rerun.updated(), rerun.deleted()));
    assertEquals(0, changeFeed(path, scored + 1).count());
    assertEquals(content, sorted(lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_SEGMENTS)));
    assertEquals(moves, sorted(membershipChanges(lakehouse, D)));

    // give one customer the features of a customer of another segment
    Map<String, Integer> now = segmentOf(lakehouse);
    String moved = now.keySet().stream().sorted().findFirst().orElseThrow();
    String model = now.keySet().stream().sorted().filter(c -> !now.get(c).equals(now.get(moved))).findFirst()
        .orElseThrow();
    Dataset<Row> features = lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D))));
    Row source = features.filter(col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(model)).first();
    Map<String, org.apache.spark.sql.Column> copy = new LinkedHashMap<>();
    for (StructField f : Tables.GOLD_CUSTOMER_FEATURES.schema().fields()) {
      if (!f.name().equals(CustomerFeatureColumns.CUSTOMER_ID) && !f.name().equals(CustomerFeatureColumns.AS_OF)) {
        copy.put(f.name(), lit(source.get(source.fieldIndex(f.name()))).cast(f.dataType()));
      }
    }
    DeltaTable.forPath(spark, lake(lakehouse).location(Tables.GOLD_CUSTOMER_FEATURES).uri()).update(
        col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D)))
            .and(col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(moved)), copy);
    long before = latestVersion(path);

    ScoreSegmentsCommand.Result after = new ScoreSegmentsCommand().score(context(lakehouse, "score-segments", D));

    assertEquals(List.of(0L, 1L, 0L), List.of(after.inserted(), after.updated(), after.deleted()));
    List<Row> feed = changeFeed(path, before + 1).orderBy("_change_type").collectAsList();
    assertEquals(List.of(moved + "|update_postimage|" + now.get(model), moved + "|update_preimage|" + now.get(moved)),
        feed.stream().map(r -> r.getAs(CustomerSegmentColumns.CUSTOMER_ID) + "|" + r.getAs("_change_type") + "|"
            + r.getAs(CustomerSegmentColumns.SEGMENT_ID)).toList());
    // its membership change of D now takes it to the other segment; every other one is as it was
    Row entered = membershipChanges(lakehouse, D).filter(col(MembershipChangeColumns.CUSTOMER_ID).equalTo(moved))
        .first();
    assertEquals(java.util.Arrays.asList(null, now.get(model)), java.util.Arrays.asList(
        entered.getAs(MembershipChangeColumns.FROM_SEGMENT_ID), entered.getAs(MembershipChangeColumns.TO_SEGMENT_ID)));
    assertEquals(moves.stream().filter(m -> !m.contains("|" + moved + "|")).toList(), sorted(membershipChanges(
        lakehouse, D).filter(col(MembershipChangeColumns.CUSTOMER_ID).notEqual(moved))));
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The version of each customer valid at the end of {@code date}, computed here from silver/customers. */
  private Map<String, Row> customersAt(Path lakehouse, LocalDate date) {
    Instant end = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<String, Row> out = new HashMap<>();
    for (Row r : lake(lakehouse).read(spark, Tables.SILVER_CUSTOMERS).collectAsList()) {
      Instant from = r.<Timestamp>getAs(CustomerColumns.VALID_FROM).toInstant();
      Timestamp to = r.getAs(CustomerColumns.VALID_TO);
      if (from.isBefore(end) && (to == null || !to.toInstant().isBefore(end))) {
        out.put(r.getAs(CustomerColumns.CUSTOMER_ID), r);
      }
    }
    return out;
  }

  /** customer -> audiences published for {@code date}. */
  private Map<String, Set<String>> audiencesOf(Path lakehouse, LocalDate date) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_AUDIENCES)
        .filter(col(AudienceColumns.AS_OF).equalTo(lit(Date.valueOf(date)))).collectAsList()) {
      out.computeIfAbsent(r.getAs(AudienceColumns.CUSTOMER_ID), c -> new TreeSet<>()).add(r.getAs(AudienceColumns.AUDIENCE));
    }
    return out;
  }

  /** customer -> the audiences its segment row puts it in, by the default filters, for consenting customers. */
  private Map<String, Set<String>> expectedAudiences(Path lakehouse, Map<String, Row> customers) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_SEGMENTS).collectAsList()) {
      Row customer = customers.get(r.<String>getAs(CustomerSegmentColumns.CUSTOMER_ID));
      if (customer == null || !Boolean.TRUE.equals(customer.getAs(CustomerColumns.MARKETING_CONSENT))) {
        continue;
      }
      Set<String> audiences = new TreeSet<>();
      audiences.add("segment: " + r.getAs(CustomerSegmentColumns.SEGMENT_NAME));
      String rfm = r.getAs(CustomerSegmentColumns.RFM_SEGMENT);
      audiences.add("rfm: " + rfm);
      Double churn = r.getAs(CustomerSegmentColumns.CHURN_PROBABILITY);
      double clv = r.getAs(CustomerSegmentColumns.CLV);
      int m = r.getAs(CustomerSegmentColumns.M_SCORE);
      if (rfm.equals("champions") && churn != null && churn >= 0.5) {
        audiences.add("champions at risk of churn");
      }
      if (clv >= 500 && churn != null && churn >= 0.6) {
        audiences.add("high value, likely to churn");
      }
      if (rfm.equals("at risk") && m >= 4) {
        audiences.add("lapsed big spenders");
      }
      out.put(r.getAs(CustomerSegmentColumns.CUSTOMER_ID), audiences);
    }
    return out;
  }

  @Test
  void audiencesHoldConsentingCustomersWithHashedIdentifiersAndAWithdrawalTakesEffectOnTheNextRun(@TempDir Path dir)
      throws Exception {
    Path lakehouse = copyOfWorld(dir);
    Map<String, Row> atD = customersAt(lakehouse, D);
    Map<String, Set<String>> published = audiencesOf(lakehouse, D);

    assertEquals(expectedAudiences(lakehouse, atD), published);
    assertTrue(published.size() > CUSTOMERS / 3, published.size() + " customers in audiences");
    assertTrue(published.values().stream().anyMatch(a -> a.contains("lapsed big spenders")));
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_AUDIENCES).collectAsList()) {
      Row customer = atD.get(r.<String>getAs(AudienceColumns.CUSTOMER_ID));
      String email = customer.getAs(CustomerColumns.EMAIL);
      String phone = customer.getAs(CustomerColumns.PHONE);
      assertEquals(email == null ? null : sha256(email.trim().toLowerCase(java.util.Locale.ROOT)),
          r.getAs(AudienceColumns.EMAIL_SHA256));
      assertEquals(phone == null ? null : sha256(phone), r.getAs(AudienceColumns.PHONE_SHA256));
      // the control group: 10% by the salted hash of (audience, customer), computed here (kindred.conf's defaults)
      double unit = Long.parseLong(sha256("kindred-control\u0001" + r.getAs(AudienceColumns.AUDIENCE) + "\u0001"
          + r.getAs(AudienceColumns.CUSTOMER_ID)).substring(0, 13), 16) / 4503599627370496.0;
      assertEquals(unit < 0.1 ? AudienceColumns.CONTROL : AudienceColumns.TREATMENT,
          r.getAs(AudienceColumns.AUDIENCE_GROUP));
    }
    // no raw e-mail or phone in any gold table
    Set<String> identifiers = new HashSet<>();
    for (Row r : lake(lakehouse).read(spark, Tables.SILVER_CUSTOMERS).select(CustomerColumns.EMAIL,
        CustomerColumns.PHONE).collectAsList()) {
      for (int i = 0; i < 2; i++) {
        if (!r.isNullAt(i)) {
          identifiers.add(r.getString(i));
        }
      }
    }
    for (TableDef table : Tables.all()) {
      if (table.layer() != Layer.GOLD || !lake(lakehouse).exists(spark, table)) {
        continue;
      }
      List<org.apache.spark.sql.Column> strings = new ArrayList<>();
      for (StructField f : table.schema().fields()) {
        assertFalse(f.name().contains("email") && !f.name().endsWith("_sha256"), table.relativePath() + "." + f.name());
        assertFalse(f.name().contains("phone") && !f.name().endsWith("_sha256"), table.relativePath() + "." + f.name());
        if (f.dataType() instanceof StringType) {
          strings.add(col(f.name()));
        }
      }
      Set<String> values = new HashSet<>(lake(lakehouse).read(spark, table)
          .select(org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.array(
              strings.toArray(org.apache.spark.sql.Column[]::new)))).distinct()
          .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
      values.retainAll(identifiers);
      assertEquals(Set.of(), values, table.relativePath() + " holds raw identifiers");
    }

    // a customer in audiences whose last record is older than D withdraws consent three days after D
    String withdrawn = published.keySet().stream().filter(c -> atD.get(c).<Timestamp>getAs(CustomerColumns.VALID_TO)
        == null).findFirst().orElseThrow();
    Row last = atD.get(withdrawn);
    LocalDate day = D.plusDays(3);
    String at = day + "T10:00:00Z";
    Path file = lakehouse.resolve("raw/customers/" + day + "/customers-" + day + "-99999.csv");
    Files.writeString(file, "customer_id,email,phone,country,signup_date,marketing_consent,consent_updated_at,"
        + "updated_at\n" + String.join(",", withdrawn, nullToEmpty(last.getAs(CustomerColumns.EMAIL)),
        nullToEmpty(last.getAs(CustomerColumns.PHONE)), last.getAs(CustomerColumns.COUNTRY),
        String.valueOf((Object) last.getAs(CustomerColumns.SIGNUP_DATE)), "false", at, at) + "\n");
    // the day's generated feed holds a dirty record: one in twelve rows is over the 5% threshold of a one-day run
    CleanJob.run(context(lakehouse, "clean-customers", day, Map.of("kindred.quarantine.max-rate", "1")),
        Feed.CUSTOMERS, new CleanOptions()
        .withInput(lakehouse.resolve("raw/customers").toString()));
    new ScoreSegmentsCommand().score(context(lakehouse, "score-segments", NEXT_WEEK));
    new PublishAudiencesCommand().publish(context(lakehouse, "publish-audiences", NEXT_WEEK));

    Map<String, Set<String>> nextWeek = audiencesOf(lakehouse, NEXT_WEEK);
    assertFalse(nextWeek.containsKey(withdrawn));
    assertEquals(expectedAudiences(lakehouse, customersAt(lakehouse, NEXT_WEEK)), nextWeek);
    // D's audiences stay as they were: consent was given then
    assertEquals(published, audiencesOf(lakehouse, D));

    // gold/audience_membership, computed here from both nights' audiences: each of D's memberships began on D and
    // ended on NEXT_WEEK when the customer is not in that audience then; each new one began on NEXT_WEEK
    Map<String, String> groupsD = groupsOf(lakehouse, D);
    Map<String, String> groupsNext = groupsOf(lakehouse, NEXT_WEEK);
    List<String> stays = new ArrayList<>();
    groupsD.forEach((k, g) -> stays.add(k + "|" + g + "|" + D + "|" + (groupsNext.containsKey(k) ? "" : NEXT_WEEK)));
    groupsNext.forEach((k, g) -> {
      if (!groupsD.containsKey(k)) {
        stays.add(k + "|" + g + "|" + NEXT_WEEK + "|");
      }
    });
    stays.sort(null);
    assertTrue(stays.stream().anyMatch(x -> x.endsWith("|" + NEXT_WEEK)), "some stays ended");
    assertTrue(stays.stream().anyMatch(x -> x.contains("|" + NEXT_WEEK + "|")), "some stays began a week later");
    assertEquals(stays, staysOf(lakehouse));
    // a rerun of the night decides its stays again, to the same
    new PublishAudiencesCommand().publish(context(lakehouse, "publish-audiences", NEXT_WEEK));
    assertEquals(stays, staysOf(lakehouse));

    // measure-audiences a week on: D's cohorts over the 7 days after D, sums computed here from silver/transactions
    Map<String, double[]> outcomes = new HashMap<>();
    for (Row t : lake(lakehouse).read(spark, Tables.SILVER_TRANSACTIONS).filter(col(TransactionColumns.TRANSACTION_DATE)
        .gt(lit(Date.valueOf(D))).and(col(TransactionColumns.TRANSACTION_DATE).leq(lit(Date.valueOf(NEXT_WEEK)))))
        .collectAsList()) {
      double[] o = outcomes.computeIfAbsent(t.getAs(TransactionColumns.CUSTOMER_ID), c -> new double[2]);
      o[0] += t.<Boolean>getAs(TransactionColumns.IS_RETURN) ? 0 : 1;
      o[1] += t.<java.math.BigDecimal>getAs(TransactionColumns.AMOUNT).doubleValue();
    }
    // each customer's CLV on D and a week on, from gold/customer_features
    Map<String, double[]> clv = new HashMap<>();
    for (Row f : lake(lakehouse).read(spark, Tables.GOLD_CUSTOMER_FEATURES).collectAsList()) {
      clv.computeIfAbsent(f.getAs(CustomerFeatureColumns.CUSTOMER_ID), c -> new double[] {Double.NaN, Double.NaN})[
          f.getAs(CustomerFeatureColumns.AS_OF).equals(Date.valueOf(D)) ? 0 : 1] = f.getAs(CustomerFeatureColumns.CLV);
    }
    // audience -> {treatment, control} x {customers, converted, purchases, purchases², revenue, revenue², customers
    // with CLV both nights, CLV change, CLV change²}
    Map<String, double[][]> sums = new TreeMap<>();
    groupsD.forEach((k, g) -> {
      String customer = k.substring(0, k.indexOf('|'));
      double[] o = outcomes.getOrDefault(customer, new double[2]);
      double[] x = sums.computeIfAbsent(k.substring(k.indexOf('|') + 1), a -> new double[2][9])[
          g.equals(AudienceColumns.CONTROL) ? 1 : 0];
      x[0]++;
      x[1] += o[0] > 0 ? 1 : 0;
      x[2] += o[0];
      x[3] += o[0] * o[0];
      x[4] += o[1];
      x[5] += o[1] * o[1];
      double[] v = clv.get(customer);
      if (v != null && !Double.isNaN(v[0]) && !Double.isNaN(v[1])) {
        x[6]++;
        x[7] += v[1] - v[0];
        x[8] += (v[1] - v[0]) * (v[1] - v[0]);
      }
    });
    // this world's audiences are small: a group of 10 customers is measured here (30 by default)
    RunMetrics measured = new MeasureAudiencesCommand().window(7).measure(context(lakehouse, "measure-audiences",
        NEXT_WEEK, Map.of("kindred.audiences.measure.min-group-customers", "10")));
    List<Row> lift = lake(lakehouse).read(spark, Tables.GOLD_AUDIENCE_LIFT).orderBy(AudienceLiftColumns.AUDIENCE,
        AudienceLiftColumns.METRIC).collectAsList();
    assertEquals(4 * sums.size(), lift.size());
    assertEquals(lift.size(), measured.rowsIn());
    assertEquals(lift.size(), measured.rowsWritten());
    int tooSmall = 0;
    int measuredRows = 0;
    for (Row r : lift) {
      double[][] x = sums.get(r.<String>getAs(AudienceLiftColumns.AUDIENCE));
      String metric = r.getAs(AudienceLiftColumns.METRIC);
      int k = switch (metric) {
        case AudienceLiftColumns.CONVERSION_RATE -> 1;
        case AudienceLiftColumns.PURCHASES_PER_CUSTOMER -> 2;
        case AudienceLiftColumns.NET_REVENUE_PER_CUSTOMER -> 4;
        default -> 7;
      };
      // the customers counted: for the CLV change, those with features on both nights
      int n = k == 7 ? 6 : 0;
      assertEquals(List.of(Date.valueOf(NEXT_WEEK), Date.valueOf(D), 7, (long) x[0][n], (long) x[1][n]), List.of(
          r.getAs(AudienceLiftColumns.AS_OF), r.getAs(AudienceLiftColumns.COHORT_DATE),
          r.getAs(AudienceLiftColumns.DAYS_OBSERVED), r.getAs(AudienceLiftColumns.TREATMENT_CUSTOMERS),
          r.getAs(AudienceLiftColumns.CONTROL_CUSTOMERS)), r.toString());
      assertEquals(x[0][k] / x[0][n], r.<Double>getAs(AudienceLiftColumns.TREATMENT_VALUE), 1e-9, r.toString());
      if (x[1][n] > 0) {
        assertEquals(x[1][k] / x[1][n], r.<Double>getAs(AudienceLiftColumns.CONTROL_VALUE), 1e-9, r.toString());
      }
      if (x[0][n] < 10 || x[1][n] < 10) {
        tooSmall++;
        assertEquals(AudienceLiftColumns.TOO_SMALL, r.getAs(AudienceLiftColumns.STATUS));
        assertNull(r.getAs(AudienceLiftColumns.ABSOLUTE_LIFT));
        continue;
      }
      Lift.Estimate e = k == 1
          ? Lift.proportions((long) x[0][1], (long) x[0][0], (long) x[1][1], (long) x[1][0], 0.95)
          : Lift.means((long) x[0][n], x[0][k], x[0][k + 1], (long) x[1][n], x[1][k], x[1][k + 1], 0.95);
      assertEquals(AudienceLiftColumns.MEASURED, r.getAs(AudienceLiftColumns.STATUS));
      assertEquals(e.absolute(), r.<Double>getAs(AudienceLiftColumns.ABSOLUTE_LIFT), 1e-9, r.toString());
      assertEquals(e.absoluteLow(), r.<Double>getAs(AudienceLiftColumns.ABSOLUTE_LIFT_LOW), 1e-9, r.toString());
      assertEquals(e.absoluteHigh(), r.<Double>getAs(AudienceLiftColumns.ABSOLUTE_LIFT_HIGH), 1e-9, r.toString());
      assertEquals(e.pValue(), r.<Double>getAs(AudienceLiftColumns.P_VALUE), 1e-9, r.toString());
      measuredRows++;
    }
    assertTrue(measuredRows > 0, measuredRows + " rows measured, " + tooSmall + " too small");

    // D's scoring, publishing and measuring again after the next week's (an operator clearing them, a backfill
    // reaching them): activation never goes back in time, so every published table is as the next week left it (its
    // rows, bar the columns naming the run that wrote them) and the segment table gets no commit, so its change feed
    // gives activation tools nothing
    String segmentTable = lake(lakehouse).location(Tables.GOLD_CUSTOMER_SEGMENTS).uri();
    long segmentsVersion = latestVersion(segmentTable);
    List<TableDef> publishedTables = List.of(Tables.GOLD_CUSTOMER_SEGMENTS, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES,
        Tables.GOLD_SEGMENT_PROFILES, Tables.GOLD_AUDIENCES, Tables.GOLD_AUDIENCE_MEMBERSHIP, Tables.GOLD_AUDIENCE_LIFT);
    Map<String, List<String>> asTheNextWeekLeftThem = new TreeMap<>();
    for (TableDef table : publishedTables) {
      asTheNextWeekLeftThem.put(table.relativePath(), withoutRunColumns(lakehouse, table));
    }
    new ScoreSegmentsCommand().score(context(lakehouse, "score-segments", D));
    new PublishAudiencesCommand().publish(context(lakehouse, "publish-audiences", D));
    new MeasureAudiencesCommand().window(7).measure(context(lakehouse, "measure-audiences", D,
        Map.of("kindred.audiences.measure.min-group-customers", "10")));
    assertEquals(segmentsVersion, latestVersion(segmentTable));
    for (TableDef table : publishedTables) {
      assertEquals(asTheNextWeekLeftThem.get(table.relativePath()), withoutRunColumns(lakehouse, table),
          table.relativePath() + " changed when D's scoring ran again after the next week's");
    }

    // the report of that night: a lift chart, and a table row per measured cohort with the figures of gold/audience_lift
    Path report = dir.resolve("report.html");
    new ReportCommand().out(report.toString()).report(context(lakehouse, "report", NEXT_WEEK));
    String html = Files.readString(report);
    String lifts = html.substring(html.indexOf("<section id=\"lift\">"), html.indexOf("</section>",
        html.indexOf("<section id=\"lift\">")));
    assertEquals(1, lifts.split("<svg ", -1).length - 1);
    for (Row r : lift) {
      if (!r.<String>getAs(AudienceLiftColumns.METRIC).equals(AudienceLiftColumns.PURCHASES_PER_CUSTOMER)
          || !AudienceLiftColumns.MEASURED.equals(r.getAs(AudienceLiftColumns.STATUS))) {
        continue;
      }
      String row = String.format(java.util.Locale.ROOT, "<tr><td>%s</td><td>%s</td><td class=\"n\">7</td>"
          + "<td>%,d / %,d</td>", Readable.html(r.getAs(AudienceLiftColumns.AUDIENCE)), D,
          r.<Long>getAs(AudienceLiftColumns.TREATMENT_CUSTOMERS), r.<Long>getAs(AudienceLiftColumns.CONTROL_CUSTOMERS));
      assertTrue(lifts.contains(row), row + " in " + lifts);
      // no relative lift where the control group did not buy: "-"
      String interval = signed(r.getAs(AudienceLiftColumns.RELATIVE_LIFT)) + " ("
          + signed(r.getAs(AudienceLiftColumns.RELATIVE_LIFT_LOW)) + " to "
          + signed(r.getAs(AudienceLiftColumns.RELATIVE_LIFT_HIGH)) + ")";
      assertTrue(lifts.contains(interval), interval + " in " + lifts);
    }
  }

  /** Columns naming the run that wrote a row, or when: two runs of one night differ in them by design. */
  private static final Set<String> RUN_COLUMNS = Set.of("run_id", "ingestion_run_id", "scored_at", "published_at",
      "computed_at", "fitted_at", "trained_at");

  /** A table's rows without {@link #RUN_COLUMNS}, sorted. */
  private List<String> withoutRunColumns(Path lakehouse, TableDef table) {
    Dataset<Row> rows = lake(lakehouse).read(spark, table);
    return sorted(rows.select(java.util.Arrays.stream(rows.columns()).filter(c -> !RUN_COLUMNS.contains(c))
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new)));
  }

  private static String signed(Double share) {
    return share == null ? "-" : String.format(java.util.Locale.ROOT, "%+.1f%%", 100 * share);
  }

  /** "customer|audience" -> group, published for {@code date}. */
  private Map<String, String> groupsOf(Path lakehouse, LocalDate date) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_AUDIENCES)
        .filter(col(AudienceColumns.AS_OF).equalTo(lit(Date.valueOf(date)))).collectAsList()) {
      out.put(r.getAs(AudienceColumns.CUSTOMER_ID) + "|" + r.getAs(AudienceColumns.AUDIENCE),
          r.getAs(AudienceColumns.AUDIENCE_GROUP));
    }
    return out;
  }

  /** gold/audience_membership as "customer|audience|group|from|to" ("" while open), sorted. */
  private List<String> staysOf(Path lakehouse) {
    List<String> out = new ArrayList<>();
    for (Row r : lake(lakehouse).read(spark, Tables.GOLD_AUDIENCE_MEMBERSHIP).collectAsList()) {
      Object to = r.getAs(AudienceMembershipColumns.TO_DATE);
      out.add(String.join("|", r.getAs(AudienceMembershipColumns.CUSTOMER_ID),
          r.getAs(AudienceMembershipColumns.AUDIENCE), r.getAs(AudienceMembershipColumns.AUDIENCE_GROUP),
          String.valueOf((Object) r.getAs(AudienceMembershipColumns.FROM_DATE)), to == null ? "" : to.toString()));
    }
    out.sort(null);
    return out;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String run(JobContext context, io.kindred.jobs.cli.KindredCommand command) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Kindred.run(command, context.spark(), context.config(), new PrintStream(err, true,
        StandardCharsets.UTF_8));
    assertEquals(CommandLine.FAILED, code);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBadAudienceFilterFailsNamingItBeforeAnythingIsWritten(@TempDir Path dir) {
    Path lakehouse = copyOfWorld(dir);
    String audiences = lake(lakehouse).location(Tables.GOLD_AUDIENCES).uri();
    long version = latestVersion(audiences);
    PublishAudiencesCommand command = new PublishAudiencesCommand();
    command.common().runDate(D);

    String err = run(context(lakehouse, "publish-audiences", D, Map.of("kindred.audiences.filters.broken", "clv >")),
        command);

    assertEquals("kindred publish-audiences failed: Audience \"broken\" has an invalid filter \"clv >\": it does not "
        + "parse: [PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 5)\n", err);
    assertEquals(version, latestVersion(audiences));
    Row metrics = lake(lakehouse).read(spark, Tables.RUN_METRICS).orderBy(col("started_at").desc()).first();
    assertEquals(List.of("publish-audiences", "failed"), List.of(metrics.getAs("job"), metrics.getAs("status")));
  }

  @Test
  void theReportShowsEverySectionWithItsChartsAndTheNightsNumbers(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("report.html");

    // read-only: the world itself
    new ReportCommand().out(out.toString()).report(context(world, "report", D));

    String html = Files.readString(out);
    Map<String, Integer> charts = new LinkedHashMap<>();
    for (String id : List.of("segments", "rfm", "movement", "clv", "churn", "social", "lift", "quality")) {
      int start = html.indexOf("<section id=\"" + id + "\">");
      assertTrue(start > 0, "section " + id);
      String section = html.substring(start, html.indexOf("</section>", start));
      charts.put(id, section.split("<svg ", -1).length - 1);
    }
    // churn is off, no social features were built in this world and its feeds were cleaned as of the next week:
    // those sections say so instead of a chart
    // movement: a flow chart and a matrix per window; lifetime value: the boxes and the P(alive) grid (no holdout
    // check was run in this world)
    assertEquals(Map.of("segments", 3, "rfm", 1, "movement", 4, "clv", 2, "churn", 0, "social", 0, "lift", 0,
        "quality", 0), charts);
    assertTrue(html.contains("No check of the purchase model against a holdout period yet: build-features with "
        + "--holdout-end makes one."), "the holdout chart says why it is missing");
    // each flow chart: a band per pair of segments that customers moved between in its window, numbered as counted
    // here from gold/segment_membership_changes, and nothing else
    String movement = section(html, "movement");
    for (int window : new int[] {7, 30}) {
      String flows = svg(movement, "Flows between segments over " + window + " nights");
      List<String> expected = new ArrayList<>();
      for (Row r : lake(world).read(spark, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES)
          .filter(col(MembershipChangeColumns.CHANGE_DATE).gt(lit(Date.valueOf(D.minusDays(window))))
              .and(col(MembershipChangeColumns.CHANGE_DATE).leq(lit(Date.valueOf(D))))
              .and(col(MembershipChangeColumns.TO_SEGMENT_NAME).isNotNull()))
          .groupBy(org.apache.spark.sql.functions.coalesce(col(MembershipChangeColumns.FROM_SEGMENT_NAME),
              lit("New")), col(MembershipChangeColumns.TO_SEGMENT_NAME)).count().collectAsList()) {
        expected.add(String.format(java.util.Locale.ROOT, "<title>%s \u2192 %s: %,d</title>",
            Readable.html(r.getString(0)), Readable.html(r.getString(1)), r.getLong(2)));
      }
      assertFalse(expected.isEmpty(), "moves in the world's first night");
      List<String> bands = new ArrayList<>();
      java.util.regex.Matcher band = java.util.regex.Pattern.compile("<path d=\"M[^\"]+\" fill=\"#[0-9a-f]{6}\" "
          + "fill-opacity=\"0.45\">(<title>[^<]+</title>)</path>").matcher(flows);
      while (band.find()) {
        bands.add(band.group(1));
      }
      expected.sort(null);
      bands.sort(null);
      assertEquals(expected, bands, flows);
    }
    // the P(alive) grid: every customer of the night in one cell; the cell of one-time buyers of the last week with
    // their mean P(alive) and number, counted here
    String grid = svg(section(html, "clv"), "Probability alive by frequency and recency");
    java.util.regex.Matcher gridCell = java.util.regex.Pattern.compile("<title>[^<]+ / [^<]+: [0-9.]+% \\(([0-9,]+)\\)"
        + "</title>").matcher(grid);
    long inCells = 0;
    int cells = 0;
    while (gridCell.find()) {
      inCells += Long.parseLong(gridCell.group(1).replace(",", ""));
      cells++;
    }
    Dataset<Row> night = lake(world).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D))));
    assertEquals(night.count(), inCells, grid);
    assertTrue(cells >= 4, cells + " cells: " + grid);
    Row recentOnce = night.filter(col(CustomerFeatureColumns.CLV_X).equalTo(0)
            .and(col(CustomerFeatureColumns.RECENCY_DAYS).lt(7)))
        .agg(org.apache.spark.sql.functions.avg(CustomerFeatureColumns.PROBABILITY_ALIVE),
            org.apache.spark.sql.functions.count(lit(1))).first();
    assertTrue(recentOnce.getLong(1) > 0, "one-time buyers in the last week");
    String recentCell = String.format(java.util.Locale.ROOT, "<title>None / Under a week: %.1f%% (%,d)</title>",
        100 * recentOnce.getDouble(0), recentOnce.getLong(1));
    assertTrue(grid.contains(recentCell), recentCell + " in " + grid);
    // BG/NBD (this world's model) counts every customer without a repeat purchase as active: the caption says why
    assertEquals(1.0, night.filter(col(CustomerFeatureColumns.CLV_X).equalTo(0))
        .agg(org.apache.spark.sql.functions.min(CustomerFeatureColumns.PROBABILITY_ALIVE)).first().getDouble(0), 5e-4);
    assertTrue(html.contains("Customers who never came back count as active: the model (BG/NBD) sees a customer "
        + "leave only after a repeat purchase."), "the grid's first row explained");
    assertTrue(html.contains("No audience measured for this night"), "the lift says why it is empty");
    assertTrue(html.contains("No cleaning runs in the 30 nights to " + D + "."));
    assertTrue(html.contains("No churn model evaluated yet"), "churn says why it is empty");
    assertTrue(html.contains("No social features for this night: run build-social-features first."));
    // every segment's size and share, counted here from gold/customer_segments
    List<Row> sizes = lake(world).read(spark, Tables.GOLD_CUSTOMER_SEGMENTS)
        .groupBy(CustomerSegmentColumns.SEGMENT_NAME).count().collectAsList();
    long total = sizes.stream().mapToLong(r -> r.getLong(1)).sum();
    assertEquals(total, lake(world).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D)))).count());
    for (Row r : sizes) {
      String expected = String.format(java.util.Locale.ROOT, "<title>%s: %,d (%.1f%%)</title>", r.getString(0),
          r.getLong(1), 100.0 * r.getLong(1) / total);
      assertTrue(html.contains(expected), expected);
    }
    // the top right cell of the RFM grid: its customers and their revenue, counted here
    Row champions = lake(world).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D)))
            .and(col(CustomerFeatureColumns.R_SCORE).equalTo(5)).and(col(CustomerFeatureColumns.F_SCORE).equalTo(5)))
        .agg(org.apache.spark.sql.functions.count(lit(1)),
            org.apache.spark.sql.functions.sum(CustomerFeatureColumns.MONETARY)).first();
    String cell = String.format(java.util.Locale.ROOT, "5 (recent) / 5 (often): Champions %,d · $%,.0f",
        champions.getLong(0), champions.getDecimal(1).doubleValue());
    assertTrue(html.contains(cell), cell);
    assertTrue(html.contains("No customer features of " + D.minusDays(7) + " to compare with"), "no week before D");
    // a week later: the customers who entered "at risk" since D, and their lifetime value, counted here
    Path later = dir.resolve("later.html");
    new ReportCommand().out(later.toString()).report(context(world, "report", NEXT_WEEK));
    Dataset<Row> features = lake(world).read(spark, Tables.GOLD_CUSTOMER_FEATURES);
    Dataset<Row> atRisk = features.filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(NEXT_WEEK)))
            .and(col(CustomerFeatureColumns.RFM_SEGMENT).equalTo("at risk")))
        .join(features.filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(D)))
                .and(col(CustomerFeatureColumns.RFM_SEGMENT).equalTo("at risk"))).select(col(CustomerFeatureColumns
                .CUSTOMER_ID).as("was_at_risk")),
            col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(col("was_at_risk")), "left_anti");
    Row entered = atRisk.agg(org.apache.spark.sql.functions.count(lit(1)),
        org.apache.spark.sql.functions.sum(CustomerFeatureColumns.CLV)).first();
    assertTrue(entered.getLong(0) > 0, "someone entered at risk in the week");
    String sentence = String.format(java.util.Locale.ROOT, "%,d customers entered &quot;At risk&quot; in the 7 nights "
        + "to %s, worth $%,.0f in predicted lifetime value", entered.getLong(0), NEXT_WEEK, entered.getDouble(1));
    String laterHtml = Files.readString(later);
    assertTrue(laterHtml.contains(sentence), sentence);
    // the cleaning runs of that night, by feed, with their rows in counted here from ops/run_metrics
    for (Row r : lake(world).read(spark, Tables.RUN_METRICS).filter(col("run_date").equalTo(lit(Date.valueOf(
        NEXT_WEEK))).and(col("job").startsWith("clean-"))).collectAsList()) {
      String feed = Character.toUpperCase(r.<String>getAs("job").charAt(6)) + r.<String>getAs("job").substring(7);
      String row = String.format(java.util.Locale.ROOT, "<td>%s</td><td class=\"n\">%,d</td>", feed,
          r.<Long>getAs("rows_in"));
      assertTrue(laterHtml.contains(row), row);
    }
    // a second report to the same file needs --overwrite, and the first stays whole
    ReportCommand again = new ReportCommand().out(out.toString());
    again.common().runDate(D);
    assertEquals("kindred report failed: The file " + Location.of(out) + " exists; pass --overwrite to replace it, "
        + "or choose another --out\n", run(context(world, "report", D), again));
    assertEquals(html, Files.readString(out));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("later.html", "report.html"), files.map(p -> p.getFileName().toString()).sorted()
          .toList());
    }
  }

  /** The section {@code id} of a report page. */
  private static String section(String html, String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    assertTrue(start > 0, "section " + id);
    return html.substring(start, html.indexOf("</section>", start));
  }

  /** The chart titled {@code title} in {@code html}. */
  private static String svg(String html, String title) {
    int label = html.indexOf("aria-label=\"" + Readable.html(title) + "\"");
    assertTrue(label > 0, "a chart \"" + title + "\" in " + html);
    int start = html.lastIndexOf("<svg ", label);
    return html.substring(start, html.indexOf("</svg>", start) + 6);
  }

  @Test
  void theReportChecksThePurchaseModelOnItsLatestHoldoutUpToTheNight(@TempDir Path dir) throws Exception {
    Path lakehouse = copyOfWorld(dir);
    // gold/clv_holdout as build-features --holdout-end writes it (groups 0 to 6, then 7+), out of order; an older
    // check and one after the night, both ignored
    LocalDate asOf = D.minusDays(14);
    List<String> groups = List.of("3", "7+", "0", "1", "6", "2", "5", "4");
    List<Row> rows = new ArrayList<>();
    for (String group : groups) {
      int x = group.equals("7+") ? 7 : Integer.parseInt(group);
      rows.add(org.apache.spark.sql.RowFactory.create(Date.valueOf(asOf), Date.valueOf(D), group, 100L + x,
          0.25 * x, 0.25 * x + 0.125, "run"));
    }
    rows.add(org.apache.spark.sql.RowFactory.create(Date.valueOf(asOf.minusDays(7)), Date.valueOf(D), "0", 5L, 9.0,
        9.0, "older"));
    rows.add(org.apache.spark.sql.RowFactory.create(Date.valueOf(D.plusDays(1)), Date.valueOf(NEXT_WEEK), "0", 5L,
        9.0, 9.0, "later"));
    lake(lakehouse).createIfNotExists(spark, Tables.GOLD_CLV_HOLDOUT);
    spark.createDataFrame(rows, Tables.GOLD_CLV_HOLDOUT.schema()).write().format("delta").mode("append")
        .save(lake(lakehouse).location(Tables.GOLD_CLV_HOLDOUT).uri());
    Path out = dir.resolve("report.html");

    new ReportCommand().out(out.toString()).report(context(lakehouse, "report", D));

    String clv = section(Files.readString(out), "clv");
    String chart = svg(clv, "Predicted and actual purchases in the holdout");
    // one point per group and line, in the groups' order: 0 .. 6, then 7+
    List<String> points = new ArrayList<>();
    java.util.regex.Matcher point = java.util.regex.Pattern.compile("<circle [^>]+><title>([^<]+)</title></circle>")
        .matcher(chart);
    while (point.find()) {
      points.add(point.group(1));
    }
    List<String> expected = new ArrayList<>();
    List<String> ordered = List.of("0", "1", "2", "3", "4", "5", "6", "7+");
    for (int x = 0; x < ordered.size(); x++) {
      expected.add(String.format(java.util.Locale.ROOT, "Actual %s: %.2f", ordered.get(x), 0.25 * x));
    }
    for (int x = 0; x < ordered.size(); x++) {
      expected.add(String.format(java.util.Locale.ROOT, "Predicted by the model %s: %.2f", ordered.get(x),
          0.25 * x + 0.125));
    }
    assertEquals(expected, points, chart);
    assertTrue(chart.contains(">Repeat purchases up to " + asOf + "</text>"), "the x axis named: " + chart);
    assertTrue(clv.contains("from " + asOf.plusDays(1) + " to " + D + " (actual)"), "the holdout period: " + clv);
    // and the same numbers in a table, with each group's customers
    assertTrue(clv.contains("<tr><td class=\"n\">7+</td><td class=\"n\">107</td><td class=\"n\">1.75</td>"
        + "<td class=\"n\">1.88</td></tr>"), clv);
    assertFalse(clv.contains("No check of the purchase model"), clv);
  }

  @Test
  void anAudienceExportsToOneFileAndAnUnknownOneIsNamedWithTheKnownOnes(@TempDir Path dir) throws Exception {
    Path lakehouse = copyOfWorld(dir);
    Dataset<Row> atD = lake(lakehouse).read(spark, Tables.GOLD_AUDIENCES)
        .filter(col(AudienceColumns.AS_OF).equalTo(lit(Date.valueOf(D))));
    String audience = atD.filter(col(AudienceColumns.AUDIENCE_TYPE).equalTo("segment"))
        .select(AudienceColumns.AUDIENCE).distinct().orderBy(AudienceColumns.AUDIENCE).first().getString(0);
    List<String> expected = new ArrayList<>();
    expected.add("customer_id,email_sha256,phone_sha256");
    // the treatment group only: the control group is kept from contact
    for (Row r : atD.filter(col(AudienceColumns.AUDIENCE).equalTo(audience)
            .and(col(AudienceColumns.AUDIENCE_GROUP).equalTo(AudienceColumns.TREATMENT)))
        .orderBy(AudienceColumns.CUSTOMER_ID)
        .select(AudienceColumns.CUSTOMER_ID, AudienceColumns.EMAIL_SHA256, AudienceColumns.PHONE_SHA256)
        .collectAsList()) {
      expected.add(r.getString(0) + "," + nullToEmpty(r.getString(1)) + "," + nullToEmpty(r.getString(2)));
    }
    long all = atD.filter(col(AudienceColumns.AUDIENCE).equalTo(audience)).count();
    assertTrue(expected.size() - 1 < all, "the audience has a control group");
    Path csv = dir.resolve("out/audience.csv");
    Path parquet = dir.resolve("out/audience.parquet");

    // --list: every audience of the night with its customers in treatment and control, counted here
    List<String> listed = new ArrayList<>();
    for (Row r : atD.groupBy(AudienceColumns.AUDIENCE, AudienceColumns.AUDIENCE_TYPE, AudienceColumns.AUDIENCE_GROUP)
        .count().orderBy(AudienceColumns.AUDIENCE, AudienceColumns.AUDIENCE_GROUP).collectAsList()) {
      listed.add(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2) + "|" + r.getLong(3));
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    JobContext listRun = context(lakehouse, "export-audience", D);
    new ExportAudienceCommand().list(true).printTo(new PrintStream(printed, true, StandardCharsets.UTF_8))
        .run(listRun);
    String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("Audiences of " + D + " (export-audience writes the treatment group)", lines[0]);
    assertEquals(List.of("audience", "type", "customers", "treatment", "control"), List.of(lines[1].trim()
        .split(" {2,}")));
    List<String> shown = new ArrayList<>();
    for (String line : java.util.Arrays.copyOfRange(lines, 2, lines.length)) {
      String[] f = line.trim().split(" {2,}");
      long treatment = Long.parseLong(f[3].replace(",", ""));
      long control = Long.parseLong(f[4].replace(",", ""));
      assertEquals(treatment + control, Long.parseLong(f[2].replace(",", "")), line);
      if (control > 0) {
        shown.add(f[0] + "|" + f[1] + "|control|" + control);
      }
      if (treatment > 0) {
        shown.add(f[0] + "|" + f[1] + "|treatment|" + treatment);
      }
    }
    assertEquals(listed, shown);

    JobContext csvRun = context(lakehouse, "export-audience", D);
    new ExportAudienceCommand().audience(audience).format(ExportAudienceCommand.Format.CSV).out(csv.toString())
        .export(csvRun);
    JobContext parquetRun = context(lakehouse, "export-audience", D);
    new ExportAudienceCommand().audience(audience).format(ExportAudienceCommand.Format.PARQUET)
        .out(parquet.toString()).export(parquetRun);
    // each file on record, to be recalled when a customer is forgotten
    long size = expected.size() - 1;
    assertEquals(List.of(
            csvRun.runId() + "|" + D + "|" + audience + "|csv|" + Location.of(csv).uri() + "|" + size,
            parquetRun.runId() + "|" + D + "|" + audience + "|parquet|" + Location.of(parquet).uri() + "|" + size),
        lake(lakehouse).read(spark, Tables.EXPORTS).orderBy(ExportColumns.FORMAT).collectAsList().stream()
            .map(r -> String.join("|", r.getAs(ExportColumns.RUN_ID), r.getAs(ExportColumns.RUN_DATE).toString(),
                r.getAs(ExportColumns.AUDIENCE), r.getAs(ExportColumns.FORMAT), r.getAs(ExportColumns.PATH),
                r.getAs(ExportColumns.ROWS).toString()))
            .toList());

    assertEquals(expected, Files.readAllLines(csv));
    assertEquals(expected.subList(1, expected.size()), spark.read().parquet(parquet.toString()).collectAsList().stream()
        .map(r -> r.getString(0) + "," + nullToEmpty(r.getString(1)) + "," + nullToEmpty(r.getString(2))).toList());
    Path withControl = dir.resolve("out/with-control.csv");
    new ExportAudienceCommand().audience(audience).includeControl(true).out(withControl.toString())
        .export(context(lakehouse, "export-audience", D));
    assertEquals(all + 1, Files.readAllLines(withControl).size(), "--include-control writes the whole audience");
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertEquals(List.of("audience.csv", "audience.parquet", "with-control.csv"), files.map(p -> p.getFileName()
          .toString()).sorted().toList());
    }

    ExportAudienceCommand again = new ExportAudienceCommand().audience(audience).out(csv.toString());
    again.common().runDate(D);
    assertEquals("kindred export-audience failed: The file " + Location.of(csv) + " exists; pass --overwrite to "
        + "replace it, or choose another --out\n", run(context(lakehouse, "export-audience", D), again));
    ExportAudienceCommand unknown = new ExportAudienceCommand().audience("nope").out(dir.resolve("x.csv").toString());
    unknown.common().runDate(D);
    List<String> known = atD.select(AudienceColumns.AUDIENCE).distinct().orderBy(AudienceColumns.AUDIENCE)
        .collectAsList().stream().map(r -> "\"" + r.getString(0) + "\"").toList();
    assertEquals("kindred export-audience failed: Unknown audience \"nope\" for " + D + "; known audiences: "
        + String.join(", ", known) + "\n", run(context(lakehouse, "export-audience", D), unknown));
  }

  @Test
  void sqlReadsEveryTableByItsNameTheLatestNightUnlessAskedForEveryNight(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = new PrintStream(printed, true, StandardCharsets.UTF_8);
    JobContext context = context(world, "sql", NEXT_WEEK);
    Dataset<Row> allNights = lake(world).read(spark, Tables.GOLD_CUSTOMER_FEATURES);
    long lastNight = allNights.filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(NEXT_WEEK))))
        .count();
    long everyNight = allNights.count();
    assertTrue(lastNight > 0 && everyNight > lastNight, lastNight + " of " + everyNight);

    new SqlCommand().tables(true).printTo(stdout).run(context);
    String tables = printed.toString(StandardCharsets.UTF_8);
    assertTrue(tables.contains(String.format(java.util.Locale.ROOT, "customer_features (%,d rows; "
        + "gold/customer_features): ", lastNight)), tables);
    assertTrue(tables.contains(String.format(java.util.Locale.ROOT, "customer_features_history (%,d rows; "
        + "gold/customer_features): ", everyNight)), tables);
    assertTrue(tables.contains("quarantine_transactions ("), tables);
    assertTrue(tables.matches("(?s).*\\n    recency_days +int\\n.*"), tables);

    printed.reset();
    new SqlCommand().query("SELECT (SELECT count(*) FROM customer_features) AS latest, "
        + "(SELECT count(DISTINCT as_of) FROM customer_features_history) AS nights").format("csv").printTo(stdout)
        .run(context);
    assertEquals("latest,nights\n" + lastNight + ",2\n", printed.toString(StandardCharsets.UTF_8));

    printed.reset();
    new SqlCommand().query("SELECT segment_name, customers FROM segment_profiles ORDER BY segment_name")
        .printTo(stdout).run(context);
    List<Row> profiles = lake(world).read(spark, Tables.GOLD_SEGMENT_PROFILES).orderBy("segment_name")
        .select("segment_name", "customers").collectAsList();
    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(profiles.size() + 2, lines.size(), String.join("\n", lines));
    for (int i = 0; i < profiles.size(); i++) {
      assertEquals(List.of(profiles.get(i).getString(0), Long.toString(profiles.get(i).getLong(1))),
          List.of(lines.get(i + 1).strip().split(" {2,}")));
    }
    assertEquals("(" + profiles.size() + " rows)", lines.get(lines.size() - 1));

    Path csv = dir.resolve("features.csv");
    new SqlCommand().query("SELECT customer_id, recency_days FROM customer_features ORDER BY customer_id")
        .format("csv").out(csv.toString()).printTo(stdout).run(context);
    List<String> written = Files.readAllLines(csv);
    Row first = allNights.filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(NEXT_WEEK))))
        .orderBy(CustomerFeatureColumns.CUSTOMER_ID).first();
    assertEquals(lastNight + 1, written.size());
    assertEquals(List.of("customer_id,recency_days", first.getAs(CustomerFeatureColumns.CUSTOMER_ID) + ","
        + first.getAs(CustomerFeatureColumns.RECENCY_DAYS)), written.subList(0, 2));
  }
}
