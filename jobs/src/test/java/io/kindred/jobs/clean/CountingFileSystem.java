package io.kindred.jobs.clean;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code countfs:}, counting the bytes that Spark's tasks read from it
 * (reads on executor threads; the driver's header checks are not a pass over the data). Register it with
 * {@code fs.countfs.impl} and read a folder as {@code countfs:///path}.
 */
public final class CountingFileSystem extends RawLocalFileSystem {

  /** Bytes read by tasks since the last {@link #reset}. */
  static final AtomicLong TASK_BYTES = new AtomicLong();

  static void reset() {
    TASK_BYTES.set(0);
  }

  @Override
  public URI getUri() {
    return URI.create("countfs:///");
  }

  @Override
  public String getScheme() {
    return "countfs";
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    FSDataInputStream in = super.open(f, bufferSize);
    boolean task = Thread.currentThread().getName().startsWith("Executor task launch worker");
    return new FSDataInputStream(new FSInputStream() {
      @Override
      public void seek(long pos) throws IOException {
        in.seek(pos);
      }

      @Override
      public long getPos() throws IOException {
        return in.getPos();
      }

      @Override
      public boolean seekToNewSource(long targetPos) throws IOException {
        return in.seekToNewSource(targetPos);
      }

      @Override
      public int read() throws IOException {
        int b = in.read();
        if (task && b >= 0) {
          TASK_BYTES.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = in.read(buffer, off, len);
        if (task && n > 0) {
          TASK_BYTES.addAndGet(n);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    });
  }
}
