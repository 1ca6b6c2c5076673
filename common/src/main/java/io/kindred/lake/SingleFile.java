package io.kindred.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** One file a person or a tool picks up (an audience upload, a query's result), written by Spark, not the driver. */
public final class SingleFile {

  private SingleFile() {
  }

  /**
   * Writes {@code rows} as one file at {@code target}, in their order: one partition to a staging folder beside it,
   * then a rename. CSV gets a header; JSON is one object per line.
   *
   * @param format a Spark file format: {@code csv}, {@code json} or {@code parquet}
   * @param overwrite whether an existing file is replaced
   * @param tag names the staging folder ({@code .<file>.<tag>.staging}), e.g. the run id
   * @throws IllegalStateException when the file exists and {@code overwrite} is false, or {@code target} is a folder
   */
  public static void write(SparkSession spark, Dataset<Row> rows, String format, Location target, boolean overwrite,
      String tag) {
    try {
      Path file = new Path(target.uri());
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      requireWritable(fs, file, target, overwrite);
      Path staging = new Path(file.getParent(), "." + file.getName() + "." + tag + ".staging");
      try {
        rows.coalesce(1).write().format(format).option("header", "true").mode("overwrite").save(staging.toString());
        FileStatus[] parts = fs.globStatus(new Path(staging, "part-*"));
        if (parts == null || parts.length != 1) {
          throw new IllegalStateException("Expected one part file in " + staging + ", found "
              + (parts == null ? 0 : parts.length));
        }
        moveIntoPlace(fs, parts[0].getPath(), file, target);
      } finally {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code text} (UTF-8) as the file at {@code target}, written by the driver: to a hidden file beside it, then
   * renamed, so that a reader never sees half a file.
   *
   * @throws IllegalStateException when the file exists and {@code overwrite} is false, or {@code target} is a folder
   */
  public static void writeText(SparkSession spark, String text, Location target, boolean overwrite, String tag) {
    try {
      Path file = new Path(target.uri());
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      requireWritable(fs, file, target, overwrite);
      Path staging = new Path(file.getParent(), "." + file.getName() + "." + tag + ".staging");
      try {
        try (java.io.OutputStream out = fs.create(staging, true)) {
          out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        moveIntoPlace(fs, staging, file, target);
      } finally {
        fs.delete(staging, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Replaces {@code file} with {@code source} by a rename. */
  private static void moveIntoPlace(FileSystem fs, Path source, Path file, Location target) throws IOException {
    if (fs.exists(file)) {
      fs.delete(file, false);
    }
    if (!fs.rename(source, file)) {
      throw new IllegalStateException("Could not move " + source + " to " + target);
    }
    if (fs instanceof ChecksumFileSystem checksummed) {
      // the local file system moved the source's hidden .crc along: the reader wants the file alone
      checksummed.getRawFileSystem().delete(checksummed.getChecksumFile(file), false);
    }
  }

  private static void requireWritable(FileSystem fs, Path file, Location target, boolean overwrite)
      throws IOException {
    if (fs.exists(file)) {
      if (fs.getFileStatus(file).isDirectory()) {
        throw new IllegalStateException(target + " is a folder; expected a file path for --out");
      }
      if (!overwrite) {
        throw new IllegalStateException("The file " + target + " exists; pass --overwrite to replace it, or "
            + "choose another --out");
      }
    }
  }
}
