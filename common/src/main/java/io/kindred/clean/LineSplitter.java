package io.kindred.clean;

import java.util.ArrayList;
import java.util.List;

/** Splits one line of delimited text into fields. Pure functions; a line that does not split throws. */
public final class LineSplitter {

  private LineSplitter() {
  }

  /** A line that cannot be split, with a message naming the problem. */
  public static final class MalformedLineException extends Exception {
    public MalformedLineException(String message) {
      super(message);
    }
  }

  /**
   * Splits an RFC 4180 CSV line: fields separated by {@code delimiter}, optionally double-quoted, a quote inside
   * a quoted field doubled. Quoted fields spanning lines are not supported (the line is malformed).
   */
  public static List<String> csv(String line, char delimiter) throws MalformedLineException {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      if (i < n && line.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char ch = line.charAt(i);
          if (ch == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            field.append(ch);
            i++;
          }
        }
        if (!closed) {
          throw new MalformedLineException("unterminated quoted field " + (out.size() + 1));
        }
        if (i < n && line.charAt(i) != delimiter) {
          throw new MalformedLineException("characters after the closing quote of field " + (out.size() + 1));
        }
      } else {
        while (i < n && line.charAt(i) != delimiter) {
          char ch = line.charAt(i);
          if (ch == '"') {
            throw new MalformedLineException("a quote inside unquoted field " + (out.size() + 1));
          }
          field.append(ch);
          i++;
        }
      }
      out.add(field.toString());
      field.setLength(0);
      if (i >= n) {
        return out;
      }
      i++; // the delimiter
    }
  }

  /** Splits on runs of whitespace, ignoring leading and trailing whitespace. */
  public static List<String> whitespace(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return List.of();
    }
    return List.of(trimmed.split("\\s+"));
  }
}
