package io.kindred.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KindredConfigTest {

  @Test
  void defaultsComeFromThePackagedFile() {
    KindredConfig config = KindredConfig.defaults();

    assertEquals("local[*]", config.getString("spark.default-master"));
    assertEquals("8", config.flatStrings("spark.conf").get("spark.sql.shuffle.partitions"));
  }

  @Test
  void overlayOverridesDefaultsAndCommandLineOverridesOverlay(@TempDir Path dir) throws Exception {
    Path overlay = dir.resolve("env.conf");
    Files.writeString(overlay, "kindred { lakehouse = \"/data/overlay\"\n"
        + "spark.conf { \"spark.sql.shuffle.partitions\" = \"3\" } }\n");

    KindredConfig fromOverlay = KindredConfig.load(overlay, Map.of());
    KindredConfig fromCommandLine = KindredConfig.load(overlay, Map.of("kindred.lakehouse", "/data/cli"));

    assertEquals("/data/overlay", fromOverlay.getString("lakehouse"));
    assertEquals("3", fromOverlay.flatStrings("spark.conf").get("spark.sql.shuffle.partitions"));
    assertEquals("local[*]", fromOverlay.getString("spark.default-master"));
    assertEquals("/data/cli", fromCommandLine.getString("lakehouse"));
  }

  @Test
  void aCommandLineStringForAListKeyIsThatListCommaSeparated() {
    KindredConfig config = KindredConfig.load(null, Map.of(
        "kindred.generate.categories", "books, toys,home",
        "kindred.generate.engagement-type-weights", "0.5,0.25,0.125,0.125",
        "kindred.segments.log-features", "",
        "kindred.lakehouse", "/data/a,b"));

    assertEquals(List.of("books", "toys", "home"), config.raw().getStringList("kindred.generate.categories"));
    assertEquals(List.of(0.5, 0.25, 0.125, 0.125),
        config.raw().getDoubleList("kindred.generate.engagement-type-weights"));
    assertEquals(List.of(), config.raw().getStringList("kindred.segments.log-features"));
    // a key that is no list keeps its commas
    assertEquals("/data/a,b", config.getString("lakehouse"));
    assertEquals(List.of("web", "app"), config.withOverrides(Map.of("kindred.generate.channels", "web,app")).raw()
        .getStringList("kindred.generate.channels"));
  }

  @Test
  void shippedOverlaysParse() {
    for (String name : new String[] {"local.conf", "cluster.conf"}) {
      Path overlay = Path.of("..", "conf", name);
      KindredConfig config = KindredConfig.load(overlay, Map.of());
      assertTrue(config.hasPath("lakehouse"), name);
    }
    assertEquals("200", KindredConfig.load(Path.of("..", "conf", "cluster.conf"), Map.of())
        .flatStrings("spark.conf").get("spark.sql.shuffle.partitions"));
  }

  @Test
  void missingOverlayIsAClearError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.conf");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KindredConfig.load(missing, Map.of()));

    assertEquals("Configuration file " + missing.toAbsolutePath() + " does not exist or is not a file",
        e.getMessage());
  }

  @Test
  void anUnknownKeyIsRefusedNamingWhereItWasSetAndTheNearestKnownKey(@TempDir Path dir) throws Exception {
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> KindredConfig.load(null, Map.of("kindred.quarantine.max-rat", "0.5")));
    assertEquals("Configuration: unknown setting kindred.quarantine.max-rat (command line); did you mean "
        + "kindred.quarantine.max-rate?. Every setting is documented in conf/kindred.conf.", typo.getMessage());

    Path overlay = dir.resolve("env.conf");
    Files.writeString(overlay, "kindred {\n  social.pagerank.dampng = 0.9\n  zzz-unheard-of = 1\n}\n");
    IllegalArgumentException inFile = assertThrows(IllegalArgumentException.class,
        () -> KindredConfig.load(overlay, Map.of()));
    assertEquals("Configuration: unknown setting kindred.social.pagerank.dampng (" + overlay + ": 2); did you mean "
        + "kindred.social.pagerank.damping?; unknown setting kindred.zzz-unheard-of (" + overlay + ": 3). Every "
        + "setting is documented in conf/kindred.conf.", inFile.getMessage());

    IllegalArgumentException later = assertThrows(IllegalArgumentException.class,
        () -> KindredConfig.defaults().withOverrides(Map.of("kindred.segments.k-mx", 5)));
    assertTrue(later.getMessage().startsWith("Configuration: unknown setting kindred.segments.k-mx (override); did "
        + "you mean kindred.segments.k-max?"), later.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedAndStringsThatReadAsTheTypeAreAccepted() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KindredConfig.load(null, Map.of("kindred.quarantine.max-rate", "lots")));
    assertEquals("Configuration: kindred.quarantine.max-rate (command line): 'lots' is not a number. Every setting "
        + "is documented in conf/kindred.conf.", e.getMessage());
    IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
        () -> KindredConfig.load(null, Map.of("kindred.segments.k-max", "six", "kindred.clean.incremental", "ja")));
    assertEquals("Configuration: kindred.clean.incremental (command line): 'ja' is not true or false; "
        + "kindred.segments.k-max (command line): 'six' is not a number. Every setting is documented in "
        + "conf/kindred.conf.", two.getMessage());
    // a default written as 0 may stand for a real number
    assertEquals(0.001, KindredConfig.load(null, Map.of("kindred.features.clv.gamma-gamma-shape-penalty", "0.001"))
        .getDouble("features.clv.gamma-gamma-shape-penalty"));

    KindredConfig config = KindredConfig.load(null, Map.of("kindred.quarantine.max-rate", "0.5",
        "kindred.clean.incremental", "false", "kindred.segments.k-max", "6"));
    assertEquals(0.5, config.getDouble("quarantine.max-rate"));
    assertEquals(false, config.getBoolean("clean.incremental"));
    assertEquals(6, config.getInt("segments.k-max"));
  }

  @Test
  void sectionsWhoseKeysTheUserNamesTakeNewKeys() {
    KindredConfig config = KindredConfig.load(null, Map.of(
        "kindred.audiences.filters.\"big spenders\"", "monetary >= 1000",
        "kindred.spark.conf.\"spark.sql.ansi.enabled\"", "true",
        "kindred.segments.names.\"3\"", "Bargain hunters",
        "kindred.features.rfm-segments.sleepers", List.of("1,1")));

    assertEquals("monetary >= 1000", config.raw().getString("kindred.audiences.filters.\"big spenders\""));
    assertEquals("true", config.flatStrings("spark.conf").get("spark.sql.ansi.enabled"));
  }

  @Test
  void theNearestKeyIsOnlyOfferedWhenItIsClose() {
    java.util.Set<String> known = java.util.Set.of("quarantine.max-rate", "segments.k-max", "segments.k-min");
    assertEquals("segments.k-max", KindredConfig.nearest("segment.k-max", known));
    assertEquals(null, KindredConfig.nearest("completely.different", known));
  }
}
