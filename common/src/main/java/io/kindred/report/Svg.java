package io.kindred.report;

import static io.kindred.report.Readable.html;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Charts as inline SVG, so that a report is one self-contained file: horizontal bars, a heat map, lines over
 * nights, box plots, intervals and flows between groups. Each method is a pure function of its data; sizes are in
 * CSS pixels.
 */
public final class Svg {

  /** The report's colours, one per series. */
  static final List<String> PALETTE = List.of("#3b6ea8", "#e07b39", "#5a9e5a", "#b5485d", "#8064a2", "#4b9fa5",
      "#c9a227", "#7f7f7f");
  private static final int WIDTH = 760;
  private static final String FONT = "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\"";

  /** One named series of a line chart: a value per x position (NaN for none). */
  public record Series(String name, double[] values) {
  }

  private Svg() {
  }

  /** Horizontal bars, one per label, each with its value written after it. */
  public static String bars(String title, List<String> labels, double[] values, List<String> valueTexts,
      String color) {
    int rowHeight = 24;
    int labelWidth = Math.max(80, Math.min(260, 16 + 7 * labels.stream().mapToInt(String::length).max().orElse(0)));
    int valueWidth = Math.min(300, 14 + 7 * valueTexts.stream().mapToInt(String::length).max().orElse(0));
    int barArea = WIDTH - labelWidth - valueWidth;
    int height = 10 + rowHeight * labels.size();
    double max = max(values);
    StringBuilder out = open(title, WIDTH, height);
    for (int i = 0; i < labels.size(); i++) {
      int y = 5 + i * rowHeight;
      double width = max <= 0 || Double.isNaN(values[i]) ? 0 : Math.max(values[i], 0) / max * barArea;
      out.append(text(labelWidth - 8, y + 16, "end", labels.get(i)));
      out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
          + "<title>%s: %s</title></rect>", labelWidth, y + 3, width, rowHeight - 6, color, html(labels.get(i)),
          html(valueTexts.get(i))));
      out.append(text(labelWidth + (int) Math.ceil(width) + 6, y + 16, "start", valueTexts.get(i)));
    }
    return out.append("</svg>").toString();
  }

  /**
   * A grid of cells coloured by {@code values} (darker is more), each with its text ({@code \n} separates lines);
   * row 0 is drawn at the top.
   */
  public static String heatMap(String title, String rowTitle, List<String> rowLabels, String columnTitle,
      List<String> columnLabels, double[][] values, String[][] texts) {
    int longest = Math.max(rowTitle.length(), rowLabels.stream().mapToInt(String::length).max().orElse(0));
    int left = Math.max(90, Math.min(260, 16 + longest * 7));
    int cellWidth = Math.min(120, (WIDTH - left - 10) / Math.max(1, columnLabels.size()));
    List<List<String>> heads = columnLabels.stream().map(l -> wrap(l, cellWidth / 7)).toList();
    int headLines = heads.stream().mapToInt(List::size).max().orElse(1);
    int top = 26 + 14 * headLines;
    int cellHeight = 52;
    int height = top + cellHeight * rowLabels.size() + 10;
    double max = 0;
    for (double[] row : values) {
      max = Math.max(max, max(row));
    }
    StringBuilder out = open(title, WIDTH, height);
    out.append(text(left + cellWidth * columnLabels.size() / 2, 14, "middle", columnTitle));
    out.append(text(left - 8, top - 8, "end", rowTitle));
    for (int c = 0; c < columnLabels.size(); c++) {
      List<String> head = heads.get(c);
      for (int l = 0; l < head.size(); l++) {
        out.append(text(left + c * cellWidth + cellWidth / 2, top - 8 - 14 * (head.size() - 1 - l), "middle",
            head.get(l)));
      }
    }
    for (int r = 0; r < rowLabels.size(); r++) {
      int y = top + r * cellHeight;
      out.append(text(left - 8, y + cellHeight / 2 + 4, "end", rowLabels.get(r)));
      for (int c = 0; c < columnLabels.size(); c++) {
        double v = values[r][c];
        double intensity = max <= 0 || Double.isNaN(v) ? 0 : v / max;
        String fill = shade(intensity);
        String ink = intensity > 0.55 ? "#ffffff" : "#222222";
        int x = left + c * cellWidth;
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
            + "stroke=\"#ffffff\"><title>%s</title></rect>", x, y, cellWidth, cellHeight, fill,
            html(rowLabels.get(r) + " / " + columnLabels.get(c) + ": " + texts[r][c].replace('\n', ' '))));
        String[] lines = texts[r][c].split("\n");
        for (int l = 0; l < lines.length; l++) {
          int ty = y + cellHeight / 2 + 4 + (l * 2 - (lines.length - 1)) * 7;
          out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" "
              + "font-size=\"11\">%s</text>", x + cellWidth / 2, ty, ink, html(lines[l])));
        }
      }
    }
    return out.append("</svg>").toString();
  }

  /** Lines over the x labels (nights), one per series, with a legend and the y axis formatted by {@code axis}. */
  public static String lines(String title, List<String> xLabels, List<Series> series, DoubleFunction<String> axis,
      boolean fromZero) {
    return lines(title, xLabels, series, axis, fromZero ? 0 : Double.NaN, Double.NaN);
  }

  /**
   * Lines on a y axis from {@code floor} to {@code ceiling} (either NaN: from the data), e.g. 0.5 to 1 for an AUC.
   */
  public static String lines(String title, List<String> xLabels, List<Series> series, DoubleFunction<String> axis,
      double floor, double ceiling) {
    return lines(title, null, null, xLabels, series, axis, floor, ceiling);
  }

  /**
   * Lines as above with the axes named: {@code xTitle} under the x labels, {@code yTitle} upright beside the y axis
   * (either null: none).
   */
  public static String lines(String title, String xTitle, String yTitle, List<String> xLabels, List<Series> series,
      DoubleFunction<String> axis, double floor, double ceiling) {
    int left = 80;
    int right = 50;
    int top = 12;
    int plotHeight = 200;
    int xTitleHeight = xTitle == null ? 0 : 20;
    int legendHeight = 22 * ((series.size() + 2) / 3);
    int height = top + plotHeight + 40 + xTitleHeight + legendHeight;
    int plotWidth = WIDTH - left - right;
    double lo = Double.isNaN(floor) ? Double.POSITIVE_INFINITY : floor;
    double hi = Double.isNaN(ceiling) ? Double.NEGATIVE_INFINITY : ceiling;
    for (Series s : series) {
      for (double v : s.values()) {
        if (!Double.isNaN(v)) {
          lo = Double.isNaN(floor) ? Math.min(lo, v) : lo;
          hi = Double.isNaN(ceiling) ? Math.max(hi, v) : hi;
        }
      }
    }
    if (!(hi >= lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi == lo) {
      hi = lo + Math.max(1, Math.abs(lo) * 0.1);
    }
    StringBuilder out = open(title, WIDTH, height);
    if (xTitle != null) {
      out.append(text(left + plotWidth / 2, top + plotHeight + 38, "middle", xTitle));
    }
    if (yTitle != null) {
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#222222\" "
          + "transform=\"rotate(-90 %d %d)\">%s</text>", 14, top + plotHeight / 2, 14, top + plotHeight / 2,
          html(yTitle)));
    }
    for (int t = 0; t <= 4; t++) {
      double v = lo + (hi - lo) * t / 4;
      double y = top + plotHeight - (v - lo) / (hi - lo) * plotHeight;
      out.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>",
          left, left + plotWidth, y, y));
      out.append(text(left - 6, (int) y + 4, "end", axis.apply(v)));
    }
    int n = xLabels.size();
    int every = Math.max(1, (int) Math.ceil(n / 8.0));
    for (int i = 0; i < n; i++) {
      if (i % every == 0 || i == n - 1) {
        out.append(text((int) x(i, n, left, plotWidth), top + plotHeight + 18, "middle", xLabels.get(i)));
      }
    }
    for (int s = 0; s < series.size(); s++) {
      String color = PALETTE.get(s % PALETTE.size());
      StringBuilder path = new StringBuilder();
      double[] values = series.get(s).values();
      for (int i = 0; i < values.length; i++) {
        if (Double.isNaN(values[i])) {
          continue;
        }
        double x = x(i, n, left, plotWidth);
        double y = top + plotHeight - (values[i] - lo) / (hi - lo) * plotHeight;
        path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
        out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %s: %s"
            + "</title></circle>", x, y, color, html(series.get(s).name()), html(xLabels.get(i)),
            html(axis.apply(values[i]))));
      }
      if (path.length() > 0) {
        out.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color)
            .append("\" stroke-width=\"2\"/>");
      }
      int lx = left + (s % 3) * 220;
      int ly = top + plotHeight + 36 + xTitleHeight + (s / 3) * 22;
      out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>", lx,
          ly - 4, color));
      out.append(text(lx + 20, ly, "start", series.get(s).name()));
    }
    return out.append("</svg>").toString();
  }

  /**
   * One box per label from five quantiles (10th, 25th, 50th, 75th, 90th percentile): whiskers from the 10th to the
   * 90th, the box from the 25th to the 75th, a bar at the median, written after the whisker.
   */
  public static String boxes(String title, List<String> labels, double[][] quantiles, DoubleFunction<String> format) {
    int rowHeight = 28;
    int labelWidth = 230;
    int area = WIDTH - labelWidth - 120;
    int height = 10 + rowHeight * labels.size();
    double hi = 0;
    for (double[] q : quantiles) {
      hi = Math.max(hi, q[4]);
    }
    double scale = hi <= 0 ? 0 : area / hi;
    StringBuilder out = open(title, WIDTH, height);
    for (int i = 0; i < labels.size(); i++) {
      double[] q = quantiles[i];
      int y = 5 + i * rowHeight;
      int mid = y + rowHeight / 2;
      out.append(text(labelWidth - 8, mid + 4, "end", labels.get(i)));
      out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#555555\"/>",
          labelWidth + q[0] * scale, labelWidth + q[4] * scale, mid, mid));
      out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
          + "<title>%s: 10%% %s, 25%% %s, median %s, 75%% %s, 90%% %s</title></rect>", labelWidth + q[1] * scale,
          y + 5, Math.max(1, (q[3] - q[1]) * scale), rowHeight - 10, PALETTE.get(0), html(labels.get(i)),
          format.apply(q[0]), format.apply(q[1]), format.apply(q[2]), format.apply(q[3]), format.apply(q[4])));
      out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ffffff\" "
          + "stroke-width=\"2\"/>", labelWidth + q[2] * scale, labelWidth + q[2] * scale, y + 5, y + rowHeight - 5));
      out.append(text(labelWidth + (int) Math.ceil(q[4] * scale) + 6, mid + 4, "start",
          "median " + format.apply(q[2])));
    }
    return out.append("</svg>").toString();
  }

  /**
   * One estimate per label with its interval: a whisker from {@code low} to {@code high}, a dot at {@code point},
   * on a scale that always holds 0 (a dashed line: no effect), the estimate and its interval written after the
   * whisker. A NaN interval draws the dot alone.
   */
  public static String intervals(String title, List<String> labels, double[] point, double[] low, double[] high,
      DoubleFunction<String> format) {
    int rowHeight = 26;
    int labelWidth = Math.max(80, Math.min(300, 16 + 7 * labels.stream().mapToInt(String::length).max().orElse(0)));
    int area = WIDTH - labelWidth - 200;
    int height = 10 + rowHeight * labels.size();
    double lo = 0;
    double hi = 0;
    for (int i = 0; i < labels.size(); i++) {
      for (double v : new double[] {point[i], low[i], high[i]}) {
        if (!Double.isNaN(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    double span = hi - lo <= 0 ? 1 : hi - lo;
    double scale = area / span;
    double zero = labelWidth + (0 - lo) * scale;
    StringBuilder out = open(title, WIDTH, height);
    out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#999999\" "
        + "stroke-dasharray=\"4 3\"/>", zero, zero, height));
    for (int i = 0; i < labels.size(); i++) {
      int mid = 5 + i * rowHeight + rowHeight / 2;
      out.append(text(labelWidth - 8, mid + 4, "end", shortened(labels.get(i), (labelWidth - 16) / 7)));
      String interval = Double.isNaN(low[i]) || Double.isNaN(high[i]) ? ""
          : " (" + format.apply(low[i]) + " to " + format.apply(high[i]) + ")";
      double right = labelWidth + ((Double.isNaN(high[i]) ? point[i] : high[i]) - lo) * scale;
      if (!interval.isEmpty()) {
        out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
            + "stroke=\"%s\" stroke-width=\"2\"/>", labelWidth + (low[i] - lo) * scale, right, mid, mid,
            PALETTE.get(0)));
      }
      out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"><title>%s: %s%s"
          + "</title></circle>", labelWidth + (point[i] - lo) * scale, mid, PALETTE.get(1), html(labels.get(i)),
          html(format.apply(point[i])), html(interval)));
      out.append(text((int) Math.ceil(Math.max(right, zero)) + 8, mid + 4, "start", format.apply(point[i])
          + interval));
    }
    return out.append("</svg>").toString();
  }

  /**
   * Flows from the left nodes to the right ones (a Sankey diagram). Each node is a bar as tall as its total, labelled
   * with its name and {@code format} of that total; the band from source {@code i} to target {@code j} is
   * {@code moves[i][j]} tall at both ends, on one scale for the whole picture, coloured as its source and labelled
   * with its number where it is tall enough for the text (every band names itself when hovered). At a source its
   * bands leave in the order of the targets, at a target they arrive in the order of the sources.
   */
  public static String flows(String title, String leftTitle, List<String> sources, String rightTitle,
      List<String> targets, double[][] moves, DoubleFunction<String> format) {
    int top = 26;
    int gap = 18;
    int nodeWidth = 12;
    int n = Math.max(1, Math.max(sources.size(), targets.size()));
    int flowHeight = Math.max(200, 36 * n);
    double[] out = new double[sources.size()];
    double[] in = new double[targets.size()];
    double total = 0;
    for (int i = 0; i < sources.size(); i++) {
      for (int j = 0; j < targets.size(); j++) {
        double v = Double.isNaN(moves[i][j]) ? 0 : Math.max(0, moves[i][j]);
        out[i] += v;
        in[j] += v;
        total += v;
      }
    }
    double scale = total <= 0 ? 0 : (flowHeight - gap * (n - 1)) / total;
    List<String> leftLabels = new java.util.ArrayList<>();
    List<String> rightLabels = new java.util.ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      leftLabels.add(sources.get(i) + " (" + format.apply(out[i]) + ")");
    }
    for (int j = 0; j < targets.size(); j++) {
      rightLabels.add(targets.get(j) + " (" + format.apply(in[j]) + ")");
    }
    int leftWidth = Math.max(80, Math.min(240, 16 + 7 * leftLabels.stream().mapToInt(String::length).max()
        .orElse(0)));
    int rightWidth = Math.max(80, Math.min(240, 16 + 7 * rightLabels.stream().mapToInt(String::length).max()
        .orElse(0)));
    int x0 = leftWidth + nodeWidth;
    int x1 = WIDTH - rightWidth - nodeWidth;
    double middle = (x0 + x1) / 2.0;
    double[] sourceY = stack(out, scale, gap, top, flowHeight);
    double[] targetY = stack(in, scale, gap, top, flowHeight);
    java.util.Map<String, String> colors = new java.util.LinkedHashMap<>();
    for (String name : sources) {
      colors.putIfAbsent(name, PALETTE.get(colors.size() % PALETTE.size()));
    }
    for (String name : targets) {
      colors.putIfAbsent(name, PALETTE.get(colors.size() % PALETTE.size()));
    }
    StringBuilder svg = open(title, WIDTH, top + flowHeight + 10);
    svg.append(text(x0, 14, "end", leftTitle)).append(text(x1, 14, "start", rightTitle));
    double[] arrived = new double[targets.size()];
    for (int i = 0; i < sources.size(); i++) {
      double left = 0;
      for (int j = 0; j < targets.size(); j++) {
        double v = Double.isNaN(moves[i][j]) ? 0 : Math.max(0, moves[i][j]);
        if (v == 0) {
          continue;
        }
        double w = v * scale;
        double a = sourceY[i] + left;
        double b = targetY[j] + arrived[j];
        left += w;
        arrived[j] += w;
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d %.1f C%.1f %.1f, %.1f %.1f, %d %.1f L%d %.1f "
            + "C%.1f %.1f, %.1f %.1f, %d %.1f Z\" fill=\"%s\" fill-opacity=\"0.45\"><title>%s</title></path>", x0, a,
            middle, a, middle, b, x1, b, x1, b + w, middle, b + w, middle, a + w, x0, a + w,
            colors.get(sources.get(i)), html(sources.get(i) + " \u2192 " + targets.get(j) + ": " + format.apply(v))));
        if (w >= 13) {
          svg.append(text(x0 + 6, (int) Math.round(a + w / 2) + 4, "start", format.apply(v)));
        }
      }
    }
    for (int i = 0; i < sources.size(); i++) {
      svg.append(node(leftWidth, sourceY[i], nodeWidth, out[i] * scale, colors.get(sources.get(i)),
          leftLabels.get(i)));
      svg.append(text(leftWidth - 6, (int) Math.round(sourceY[i] + out[i] * scale / 2) + 4, "end",
          leftLabels.get(i)));
    }
    for (int j = 0; j < targets.size(); j++) {
      svg.append(node(x1, targetY[j], nodeWidth, in[j] * scale, colors.get(targets.get(j)), rightLabels.get(j)));
      svg.append(text(x1 + nodeWidth + 6, (int) Math.round(targetY[j] + in[j] * scale / 2) + 4, "start",
          rightLabels.get(j)));
    }
    return svg.append("</svg>").toString();
  }

  /** The top of each node of one side of {@link #flows}: stacked with gaps, the side centred in the height. */
  private static double[] stack(double[] totals, double scale, int gap, int top, int height) {
    double side = gap * (totals.length - 1.0);
    for (double t : totals) {
      side += t * scale;
    }
    double[] y = new double[totals.length];
    double at = top + (height - side) / 2;
    for (int k = 0; k < totals.length; k++) {
      y[k] = at;
      at += totals[k] * scale + gap;
    }
    return y;
  }

  private static String node(int x, double y, int width, double height, String color, String label) {
    return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
        + "<title>%s</title></rect>", x, y, width, height, color, html(label));
  }

  /** {@code label} cut to {@code width} characters, its end replaced by an ellipsis when cut. */
  static String shortened(String label, int width) {
    return label.length() <= width ? label : label.substring(0, Math.max(1, width - 1)) + "\u2026";
  }

  /** {@code label} in lines of at most {@code width} characters, broken at spaces (a longer word stays whole). */
  static List<String> wrap(String label, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : label.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  private static double x(int i, int n, int left, int plotWidth) {
    return n <= 1 ? left + plotWidth / 2.0 : left + plotWidth * (double) i / (n - 1);
  }

  private static StringBuilder open(String title, int width, int height) {
    return new StringBuilder(4096).append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" %s>", width, height,
        width, height, html(title), FONT)).append("<title>").append(html(title)).append("</title>");
  }

  private static String text(int x, int y, String anchor, String content) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" fill=\"#222222\">%s</text>", x, y,
        anchor, html(content));
  }

  /** White to the report's blue. */
  private static String shade(double intensity) {
    double t = Math.max(0, Math.min(1, intensity));
    int r = (int) Math.round(255 + (0x1f - 255) * t);
    int g = (int) Math.round(255 + (0x4e - 255) * t);
    int b = (int) Math.round(255 + (0x8c - 255) * t);
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  private static double max(double[] values) {
    double max = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        max = Math.max(max, v);
      }
    }
    return max;
  }
}
