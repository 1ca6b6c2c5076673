package io.kindred.privacy;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.ErasureRequestColumns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a lakehouse keeps what it was asked to forget: the salt its hashes are made with ({@code ops/erasure_salt},
 * 32 random bytes in hex, made by the first forget request) and {@code ops/erasure_requests}, one salted hash per
 * forgotten customer. The salt stays in the lakehouse: losing it would make the recorded hashes match nothing, and
 * the cleaning jobs could then bring forgotten customers back from raw feeds.
 */
public final class ErasureLedger {

  /** The salt's file below {@code ops/}. */
  public static final String SALT_FILE = "erasure_salt";

  private ErasureLedger() {
  }

  /** Where the salt lives. */
  public static Location saltLocation(Lakehouse lake) {
    return lake.location(Layer.OPS, SALT_FILE);
  }

  /** The lakehouse's salt, or null when nothing was ever forgotten in it (no salt yet). */
  public static String salt(SparkSession spark, Lakehouse lake) {
    Path path = new Path(saltLocation(lake).uri());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        return null;
      }
      try (InputStream in = fs.open(path)) {
        String salt = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (!salt.matches("[0-9a-f]{64}")) {
          throw new IllegalStateException("The erasure salt " + path + " is not 64 hex digits; it was changed by "
              + "hand? Restore it from a backup: without it the recorded erasures match nobody");
        }
        return salt;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the erasure salt " + path + ": " + e.getMessage(), e);
    }
  }

  /** The lakehouse's salt, made (32 random bytes) when there is none yet. */
  public static String saltCreatingIfAbsent(SparkSession spark, Lakehouse lake) {
    String salt = salt(spark, lake);
    if (salt != null) {
      return salt;
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Path path = new Path(saltLocation(lake).uri());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(path, false)) {
        out.write(HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII));
      }
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      // another run made it first: use theirs
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the erasure salt " + path + ": " + e.getMessage(), e);
    }
    return salt(spark, lake);
  }

  /**
   * The salted hashes of every customer forgotten in {@code lake} (requested or completed), one column
   * {@code customer_hash}; null when there are none, so that a lakehouse that never forgot anyone pays nothing.
   */
  public static Dataset<Row> forgottenHashes(SparkSession spark, Lakehouse lake) {
    if (!lake.exists(spark, Tables.ERASURE_REQUESTS)) {
      return null;
    }
    Dataset<Row> hashes = lake.read(spark, Tables.ERASURE_REQUESTS)
        .select(ErasureRequestColumns.CUSTOMER_HASH).distinct();
    return hashes.isEmpty() ? null : hashes;
  }
}
