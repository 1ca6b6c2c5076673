package io.kindred.lake;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A storage location Spark and Hadoop can address: a local path or a URI such as {@code hdfs://nn/kindred},
 * {@code s3a://bucket/kindred} or {@code abfss://...}. Local paths are made absolute so that driver and
 * executors agree on them.
 *
 * @param uri the location as Hadoop reads it, without a trailing slash
 */
public record Location(String uri) {

  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

  public Location {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("A storage location must not be empty");
    }
    if (uri.startsWith("file:///")) {
      // Hadoop writes local URIs as file:/path; Delta compares locations as strings.
      uri = "file:/" + uri.substring("file:///".length());
    }
    while (uri.length() > 1 && uri.endsWith("/") && !uri.endsWith(":/")) {
      uri = uri.substring(0, uri.length() - 1);
    }
    // Hadoop and Delta spell local paths file:/x; file:///x names the same place but Delta's CREATE TABLE sees two
    // locations (DELTA_AMBIGUOUS_PATHS_IN_CREATE_TABLE), so local URIs are kept in Hadoop's form.
    if (uri.startsWith("file:///")) {
      uri = "file:/" + uri.substring("file:///".length());
    }
  }

  /** Parses what a user typed: a URI with a scheme is kept, anything else is a local path made absolute. */
  public static Location parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("A storage location must not be empty");
    }
    String trimmed = text.trim();
    if (SCHEME.matcher(trimmed).matches()) {
      return new Location(trimmed);
    }
    return of(Path.of(trimmed));
  }

  /** A local path, made absolute and normalised, as Hadoop writes it: {@code file:/abs/path}. */
  public static Location of(Path path) {
    return new Location("file:" + path.toAbsolutePath().normalize());
  }

  /** The child location {@code relative} below this one ({@code relative} uses '/' separators). */
  public Location resolve(String relative) {
    String child = relative.startsWith("/") ? relative.substring(1) : relative;
    return new Location(uri + "/" + child);
  }

  /** Whether this location is on the local file system. */
  public boolean isLocal() {
    return uri.startsWith("file:");
  }

  /** The local path, for a local location. */
  public Path toLocalPath() {
    if (!isLocal()) {
      throw new IllegalStateException("Location " + uri + " is not on the local file system");
    }
    return Path.of(uri.substring("file:".length()));
  }

  @Override
  public String toString() {
    return uri;
  }
}
