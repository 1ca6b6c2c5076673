package io.kindred.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * The named RFM segments: an exact partition of the 25 cells of the R score x F score grid (scores 1..5), each cell
 * named by exactly one segment. Read from {@code kindred.features.rfm-segments}, a map of segment name to a list of
 * cells; a cell is written {@code "R,F"} where each side is a score ({@code 4}) or an inclusive range
 * ({@code 1-2}), e.g. {@code "1-2,3-4"} names the four cells R in 1..2, F in 3..4.
 *
 * <p>A map that leaves a cell unassigned or assigns it to several segments is rejected with a message naming the
 * cells (and the segments that claim them).
 */
public final class RfmSegments implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Lowest and highest score. */
  public static final int MIN_SCORE = 1;
  public static final int MAX_SCORE = 5;

  /** {@code names[r - 1][f - 1]}: the segment of cell (r, f). */
  private final String[][] names;

  private RfmSegments(String[][] names) {
    this.names = names;
  }

  /**
   * Builds and checks the partition.
   *
   * @param cellsBySegment segment name to cell specifications ({@code "R,F"}, each side a score or a range)
   * @throws IllegalArgumentException naming malformed cells, unassigned cells and cells assigned more than once
   */
  public static RfmSegments of(Map<String, List<String>> cellsBySegment) {
    List<String> problems = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<String>[][] claims = new List[MAX_SCORE][MAX_SCORE];
    for (Map.Entry<String, List<String>> segment : new TreeMap<>(cellsBySegment).entrySet()) {
      String name = segment.getKey();
      if (name.isBlank()) {
        problems.add("a segment has an empty name");
      }
      for (String spec : segment.getValue()) {
        int[][] ranges = parseCell(spec);
        if (ranges == null) {
          problems.add("segment '" + name + "' has cell '" + spec + "', expected \"R,F\" with each side a score "
              + MIN_SCORE + ".." + MAX_SCORE + " or a range such as 1-2");
          continue;
        }
        for (int r = ranges[0][0]; r <= ranges[0][1]; r++) {
          for (int f = ranges[1][0]; f <= ranges[1][1]; f++) {
            if (claims[r - 1][f - 1] == null) {
              claims[r - 1][f - 1] = new ArrayList<>();
            }
            claims[r - 1][f - 1].add(name);
          }
        }
      }
    }
    List<String> unassigned = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    String[][] names = new String[MAX_SCORE][MAX_SCORE];
    for (int r = MIN_SCORE; r <= MAX_SCORE; r++) {
      for (int f = MIN_SCORE; f <= MAX_SCORE; f++) {
        List<String> c = claims[r - 1][f - 1];
        if (c == null) {
          unassigned.add(r + "," + f);
        } else if (c.size() > 1) {
          twice.add(r + "," + f + " (" + String.join(", ", c) + ")");
        } else {
          names[r - 1][f - 1] = c.get(0);
        }
      }
    }
    if (!unassigned.isEmpty()) {
      problems.add("cells (R,F) assigned to no segment: " + String.join("; ", unassigned));
    }
    if (!twice.isEmpty()) {
      problems.add("cells (R,F) assigned to more than one segment: " + String.join("; ", twice));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The RFM segment map must name each of the 25 R x F cells exactly once: "
          + String.join("; ", problems));
    }
    return new RfmSegments(names);
  }

  /**
   * Reads the map at {@code path} of {@code config} (segment name to a list of cells).
   *
   * @throws IllegalArgumentException when the value is not such a map, or not an exact partition
   */
  public static RfmSegments fromConfig(Config config, String path) {
    Map<String, List<String>> out = new TreeMap<>();
    try {
      Config section = config.getConfig(path);
      for (Map.Entry<String, ConfigValue> e : section.root().entrySet()) {
        out.put(e.getKey(), section.getStringList(com.typesafe.config.ConfigUtil.joinPath(e.getKey())));
      }
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Configuration key " + path + " must be a map of segment name to a list "
          + "of \"R,F\" cells: " + e.getMessage(), e);
    }
    return of(out);
  }

  /** Returns {@code {{rLow, rHigh}, {fLow, fHigh}}}, or null when {@code spec} does not parse. */
  private static int[][] parseCell(String spec) {
    String[] sides = spec.split(",", -1);
    if (sides.length != 2) {
      return null;
    }
    int[] r = parseRange(sides[0].trim());
    int[] f = parseRange(sides[1].trim());
    return r == null || f == null ? null : new int[][] {r, f};
  }

  private static int[] parseRange(String side) {
    String[] ends = side.split("-", -1);
    if (ends.length > 2) {
      return null;
    }
    try {
      int low = Integer.parseInt(ends[0].trim());
      int high = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : low;
      if (low < MIN_SCORE || high > MAX_SCORE || low > high) {
        return null;
      }
      return new int[] {low, high};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The segment of cell (r, f). */
  public String segmentOf(int r, int f) {
    if (r < MIN_SCORE || r > MAX_SCORE || f < MIN_SCORE || f > MAX_SCORE) {
      throw new IllegalArgumentException("RFM scores must be in " + MIN_SCORE + ".." + MAX_SCORE + ", got R = " + r
          + ", F = " + f);
    }
    return names[r - 1][f - 1];
  }

  /** The segment names, sorted. */
  public List<String> segmentNames() {
    return Collections.unmodifiableList(java.util.Arrays.stream(names).flatMap(java.util.Arrays::stream).distinct()
        .sorted().collect(Collectors.toList()));
  }

  /**
   * The segment of the cell ({@code r}, {@code f}) as a column expression (one {@code CASE} over the 25 cells);
   * null only when a score is null or outside 1..5, which {@link RfmFeatures#withRfmScores} never produces.
   */
  public Column segmentColumn(Column r, Column f) {
    Column out = null;
    for (int i = MIN_SCORE; i <= MAX_SCORE; i++) {
      for (int j = MIN_SCORE; j <= MAX_SCORE; j++) {
        Column cond = r.equalTo(i).and(f.equalTo(j));
        out = out == null ? when(cond, lit(names[i - 1][j - 1])) : out.when(cond, lit(names[i - 1][j - 1]));
      }
    }
    return out;
  }

  /** As {@link #segmentColumn(Column, Column)} on columns by name. */
  public Column segmentColumn(String r, String f) {
    return segmentColumn(col(r), col(f));
  }
}
