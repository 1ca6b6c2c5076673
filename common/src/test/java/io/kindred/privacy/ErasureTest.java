package io.kindred.privacy;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.testing.SharedSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureTest {

  /** SHA-256 of "00ff:C00000042", by Python's hashlib. */
  private static final String HASH = "9a371697d491f16124f8e8855e23278e49a6ba3e5b3a15a47009ae45a012a216";

  @Test
  void theSaltedHashIsTheSameOnTheDriverAndInSpark() {
    assertEquals(HASH, Erasure.hash("00ff", "C00000042"));
    assertEquals(HASH, Erasure.hash("00ff", " C00000042 "));
    SparkSession spark = SharedSpark.session();
    Dataset<Row> ids = spark.createDataFrame(List.of(RowFactory.create(" C00000042")),
        new StructType().add("id", DataTypes.StringType));
    assertEquals(HASH, ids.select(Erasure.hashed("00ff", col("id"))).first().getString(0));
  }

  @Test
  void wordsAreFoundAloneNotInsideLongerIdsEmailsOrNumbers() {
    Pattern p = Pattern.compile(Erasure.wordPattern(List.of("C0001", "b@x.com", "+15550001111")));
    for (String line : List.of("T1,C0001,2026-01-01", "{\"customer_id\":\"C0001\"}", "C0001", "B@X.COM,1",
        "a,\"b@x.com\"", "x;+15550001111;y")) {
      assertTrue(p.matcher(line).find(), line);
    }
    for (String line : List.of("T1,C00012,2026", "XC0001,1", "ab@x.com", "a.b@x.com", "b@x.com.uk",
        "+155500011112", "C0001_2")) {
      assertFalse(p.matcher(line).find(), line);
    }
  }

  @Test
  void recordsOfForgottenPeopleAreMarkedWhateverTheirVerdict() {
    SparkSession spark = SharedSpark.session();
    StructType schema = new StructType().add("actor", DataTypes.StringType).add("target", DataTypes.StringType)
        .add("reason", DataTypes.StringType).add("detail", DataTypes.StringType);
    Dataset<Row> records = spark.createDataFrame(List.of(
        RowFactory.create("C1", "C2", null, null),
        RowFactory.create("C3", "C1", "bad_number", "amount 'x'"),
        RowFactory.create("C2", "C3", "self_interaction", "d"),
        RowFactory.create(null, "C4", "missing_customer_id", null)), schema);
    Dataset<Row> hashes = spark.createDataFrame(List.of(RowFactory.create(Erasure.hash("s", "C1")),
            RowFactory.create(Erasure.hash("s", "C4")), RowFactory.create(Erasure.hash("s", "C1"))),
        new StructType().add("customer_hash", DataTypes.StringType));

    List<String> out = Erasure.markForgotten(records, List.of("actor", "target"), hashes, "s", "reason", "detail")
        .orderBy("actor", "target").collectAsList().stream().map(Row::toString).toList();

    assertEquals(List.of("[null,C4,forgotten,null]", "[C1,C2,forgotten,null]", "[C2,C3,self_interaction,d]",
        "[C3,C1,forgotten,null]"), out);
  }

  @Test
  void linesAreRemovedInPlaceKeepingTheOthersByteForByte(@TempDir Path dir) throws IOException {
    Configuration conf = new Configuration();
    Pattern p = Pattern.compile(Erasure.wordPattern(List.of("C0001")));
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "id,customer_id\r\nT1,C0001\r\nT2,C0002\r\nT3,C0001\nT4,C00010");
    assertEquals(2, LineFiles.removeLines(conf, new org.apache.hadoop.fs.Path(csv.toUri()), p));
    assertEquals("id,customer_id\r\nT2,C0002\r\nT4,C00010", Files.readString(csv));

    Path untouched = dir.resolve("u.jsonl");
    Files.writeString(untouched, "{\"c\":\"C0002\"}\n");
    long modified = Files.getLastModifiedTime(untouched).toMillis();
    assertEquals(0, LineFiles.removeLines(conf, new org.apache.hadoop.fs.Path(untouched.toUri()), p));
    assertEquals(modified, Files.getLastModifiedTime(untouched).toMillis());
    try (var files = Files.list(dir)) {
      assertEquals(List.of("t.csv", "u.jsonl"), files.map(f -> f.getFileName().toString())
          .filter(n -> !n.endsWith(".crc")).sorted().toList());
    }

    Path gz = dir.resolve("t.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("{\"c\":\"C0001\"}\n{\"c\":\"C0003\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(1, LineFiles.removeLines(conf, new org.apache.hadoop.fs.Path(gz.toUri()), p));
    try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
      assertEquals("{\"c\":\"C0003\"}\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
