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
}
