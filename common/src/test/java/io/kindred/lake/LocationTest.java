package io.kindred.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {

  @Test
  void uriWithSchemeIsKeptAsTyped() {
    Location location = Location.parse("s3a://bucket/kindred/");

    assertEquals("s3a://bucket/kindred", location.uri());
    assertEquals("s3a://bucket/kindred/silver/transactions", location.resolve("silver/transactions").uri());
    assertFalse(location.isLocal());
  }

  @Test
  void localUriTakesHadoopsForm() {
    assertEquals("file:/data/kindred", Location.parse("file:///data/kindred/").uri());
    assertEquals("file:/data/kindred", Location.of(Path.of("/data/./kindred")).uri());
    assertEquals(Path.of("/data/with space"), Location.parse("/data/with space").toLocalPath());
  }

  @Test
  void localPathIsMadeAbsolute() {
    Location location = Location.parse("lakehouse");

    assertTrue(location.isLocal());
    assertEquals(Path.of("lakehouse").toAbsolutePath().normalize(), location.toLocalPath());
    assertEquals(Path.of("lakehouse").toAbsolutePath().normalize().resolve("gold"),
        location.resolve("gold").toLocalPath());
  }

  @Test
  void localUrisUseHadoopsSpelling() {
    assertEquals("file:/tmp/kindred/lake", Location.parse("file:///tmp/kindred/lake/").uri());
    assertEquals("file:/tmp/kindred/lake", Location.of(Path.of("/tmp/kindred/lake")).uri());
  }
}
