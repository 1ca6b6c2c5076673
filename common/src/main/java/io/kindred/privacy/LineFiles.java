package io.kindred.privacy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Removes lines from a text file in place (CSV, JSON lines; compressed ones by their extension, e.g. {@code .gz}),
 * streamed by the driver: the kept lines, byte for byte with their line ends, go to a hidden file beside it (a name
 * starting with a dot, which Spark's file listing skips), which then replaces it.
 */
public final class LineFiles {

  private LineFiles() {
  }

  /**
   * Removes the lines of {@code file} in which {@code pattern} is found; a file without such a line is left as it is.
   *
   * @return the number of lines removed
   */
  public static long removeLines(Configuration conf, Path file, Pattern pattern) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
      Path kept = new Path(file.getParent(), "." + file.getName() + ".forget");
      long removed = 0;
      try (Reader reader = new BufferedReader(new InputStreamReader(open(fs, file, codec), StandardCharsets.UTF_8));
           Writer writer = new OutputStreamWriter(create(fs, kept, codec), StandardCharsets.UTF_8)) {
        StringBuilder line = new StringBuilder();
        int c;
        boolean more = true;
        while (more) {
          c = reader.read();
          more = c >= 0;
          if (more) {
            line.append((char) c);
          }
          if ((c == '\n' || !more) && line.length() > 0) {
            if (pattern.matcher(line).find()) {
              removed++;
            } else {
              writer.append(line);
            }
            line.setLength(0);
          }
        }
      }
      if (removed == 0) {
        fs.delete(kept, false);
        return 0;
      }
      if (!fs.delete(file, false) || !fs.rename(kept, file)) {
        throw new IOException("could not replace it with " + kept + ", which holds its kept lines");
      }
      return removed;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove lines from " + file + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(FileSystem fs, Path file, CompressionCodec codec) throws IOException {
    InputStream in = fs.open(file);
    return codec == null ? in : codec.createInputStream(in);
  }

  private static OutputStream create(FileSystem fs, Path file, CompressionCodec codec) throws IOException {
    OutputStream out = fs.create(file, true);
    return codec == null ? out : codec.createOutputStream(out);
  }
}
