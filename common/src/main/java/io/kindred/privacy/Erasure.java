package io.kindred.privacy;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.Tables.ErasureRequestColumns;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The right to be forgotten, as pure functions: a person's id hashed with the lakehouse's salt (what
 * {@code ops/erasure_requests} keeps instead of the id), the marking of cleaned records that belong to a forgotten
 * person, and the pattern that finds a person's id, e-mail or phone as a word in free text (a raw line).
 *
 * <p>The hash is SHA-256 of the salt, a colon and the id (trimmed), in lower-case hex: {@link #hash} on the
 * driver and {@link #hashed} in Spark give the same text.
 */
public final class Erasure {

  /** The verdict of a cleaned record whose person was forgotten: dropped and counted, never quarantined. */
  public static final String FORGOTTEN = io.kindred.quality.Reason.FORGOTTEN.code();

  private Erasure() {
  }

  /** The salted hash of {@code id} (trimmed). */
  public static String hash(String salt, String id) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest((salt + ":" + id.trim()).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** {@link #hash} of a column, in Spark. */
  public static Column hashed(String salt, Column id) {
    return sha2(concat(lit(salt + ":"), trim(id)), 256);
  }

  /**
   * {@code records} with the verdict column {@code reason} set to {@link #FORGOTTEN} (and {@code detail} nulled)
   * where one of {@code idFields} holds the id of a forgotten person, whatever the verdict was; other rows unchanged.
   * One broadcast lookup per id field: {@code hashes} is small (one row per erasure request).
   *
   * @param hashes one column {@code customer_hash}, the salted hashes of the forgotten ids
   */
  public static Dataset<Row> markForgotten(Dataset<Row> records, List<String> idFields, Dataset<Row> hashes,
      String salt, String reason, String detail) {
    Dataset<Row> known = hashes.select(col(ErasureRequestColumns.CUSTOMER_HASH)).distinct();
    Dataset<Row> out = records;
    Column forgotten = lit(false);
    for (int i = 0; i < idFields.size(); i++) {
      String match = "_forgotten_" + i;
      out = out.join(broadcast(known.select(col(ErasureRequestColumns.CUSTOMER_HASH).as(match))),
          hashed(salt, col(idFields.get(i))).equalTo(col(match)), "left");
      forgotten = forgotten.or(col(match).isNotNull());
    }
    out = out.withColumn(detail, when(forgotten, lit(null).cast("string")).otherwise(col(detail)))
        .withColumn(reason, when(forgotten, lit(FORGOTTEN)).otherwise(col(reason)));
    for (int i = 0; i < idFields.size(); i++) {
      out = out.drop("_forgotten_" + i);
    }
    return out;
  }

  /**
   * A regular expression that finds any of {@code words} (ids, e-mails, phones; case-insensitive) standing as a
   * word of its own: not inside a longer id, e-mail or number ({@code C0001} is not found in {@code C00012}, nor
   * {@code b@x.com} in {@code ab@x.com}).
   */
  public static String wordPattern(Collection<String> words) {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("No words to find");
    }
    return "(?i)(?<![A-Za-z0-9_.+@-])(?:" + words.stream().distinct().sorted().map(Pattern::quote)
        .collect(Collectors.joining("|")) + ")(?![A-Za-z0-9_@-]|\\.[A-Za-z0-9])";
  }
}
