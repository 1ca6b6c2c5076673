package io.kindred.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The charts' geometry: what each mark's size says about the data. */
class SvgTest {

  private static List<Double> widths(String svg) {
    Matcher m = Pattern.compile("<rect x=\"\\d+\" y=\"\\d+\" width=\"([0-9.]+)\"").matcher(svg);
    List<Double> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(Double.parseDouble(m.group(1)));
    }
    return out;
  }

  @Test
  void barsAreProportionalToTheirValuesAndLabelled() {
    String svg = Svg.bars("Sizes", List.of("A & B", "C"), new double[] {300, 150}, List.of("300", "150"), "#000000");

    // labels take 80 (the least), values 14 + 7 per character: 35; the largest value fills the 645 left
    assertEquals(List.of(645.0, 322.5), widths(svg));
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"58\""), svg);
    assertTrue(svg.contains("<title>A &amp; B: 300</title>"), svg);
    assertTrue(svg.endsWith("</svg>"));
  }

  @Test
  void aHeatMapShadesEachCellByItsShareOfTheLargest() {
    String svg = Svg.heatMap("Grid", "R", List.of("r1", "r2"), "F", List.of("f1", "f2"),
        new double[][] {{4, 0}, {2, 1}}, new String[][] {{"four", ""}, {"two\nlines", "one"}});

    assertTrue(svg.contains("fill=\"#1f4e8c\" stroke=\"#ffffff\"><title>r1 / f1: four</title>"), "darkest: max");
    assertTrue(svg.contains("fill=\"#ffffff\" stroke=\"#ffffff\"><title>r1 / f2: </title>"), "white: none");
    // half of the max: halfway between white and the blue, per channel
    assertTrue(svg.contains("fill=\"#8fa7c6\" stroke=\"#ffffff\"><title>r2 / f1: two lines</title>"), svg);
    assertEquals(2, svg.split(">two<|>lines<", -1).length - 1, "two lines of text");
  }

  @Test
  void linesPlaceEachPointOnTheScaleAndSkipMissingValues() {
    String svg = Svg.lines("AUC", List.of("d1", "d2", "d3"), List.of(new Svg.Series("model",
        new double[] {0.5, Double.NaN, 1.0})), v -> String.format(java.util.Locale.ROOT, "%.2f", v), true);

    // plot from x=80 to 710, y from 212 (0) to 12 (1.0)
    assertTrue(svg.contains("<path d=\"M80.0 112.0 L710.0 12.0\""), svg);
    assertEquals(2, svg.split("<circle ", -1).length - 1);
    assertTrue(svg.contains(">0.50<") && svg.contains(">1.00<"), "axis labels");
  }

  @Test
  void aFixedScaleKeepsItsBoundsWhateverTheData() {
    String svg = Svg.lines("AUC", List.of("d1", "d2"), List.of(new Svg.Series("model", new double[] {0.75, 0.8})),
        v -> String.format(java.util.Locale.ROOT, "%.3f", v), 0.5, 1.0);

    // 0.75 is half way up a 0.5..1 axis: y = 212 - 100
    assertTrue(svg.contains("<path d=\"M80.0 112.0 L710.0 92.0\""), svg);
    assertTrue(svg.contains(">0.500<") && svg.contains(">1.000<"), svg);
  }

  @Test
  void longColumnLabelsWrapAtSpaces() {
    assertEquals(List.of("Low value,", "lapsed, frequent", "returns"), Svg.wrap("Low value, lapsed, frequent returns",
        17));
    assertEquals(List.of("Unbreakable-word"), Svg.wrap("Unbreakable-word", 4));
  }

  @Test
  void boxesSpanTheQuartilesWithWhiskersToTheOuterDeciles() {
    String svg = Svg.boxes("CLV", List.of("s"), new double[][] {{10, 20, 30, 40, 410}}, v -> "$" + (int) v);

    // 410 is the largest value and fills the 410-wide area: one unit per pixel from x=230
    assertTrue(svg.contains("<line x1=\"240.0\" x2=\"640.0\""), svg);
    assertTrue(svg.contains("<rect x=\"250.0\" y=\"10\" width=\"20.0\""), svg);
    assertTrue(svg.contains("median $30"), svg);
  }

  @Test
  void intervalsPlaceEachEstimateAndItsWhiskerOnAScaleHoldingZero() {
    String svg = Svg.intervals("Lift", List.of("a", "b"), new double[] {0.2, -0.1},
        new double[] {0.05, Double.NaN}, new double[] {0.3, Double.NaN}, v -> Math.round(v * 100) + "%");

    // labels take 80, the scale 480 pixels from -0.1 (x=80) to 0.3 (x=560): 1200 pixels per unit, 0 at x=200
    assertTrue(svg.contains("<line x1=\"200.0\" x2=\"200.0\" y1=\"0\" y2=\"62\""), svg);
    assertTrue(svg.contains("<line x1=\"260.0\" x2=\"560.0\" y1=\"18\" y2=\"18\""), "a's whisker: " + svg);
    assertTrue(svg.contains("<circle cx=\"440.0\" cy=\"18\" r=\"4\" fill=\"#e07b39\"><title>a: 20% (5% to 30%)"
        + "</title>"), svg);
    // b has no interval: its dot alone, at -0.1
    assertTrue(svg.contains("<circle cx=\"80.0\" cy=\"44\" r=\"4\" fill=\"#e07b39\"><title>b: -10%</title>"), svg);
    assertEquals(2, svg.split("<line ", -1).length - 1, "the zero line and a's whisker");
  }

  private static List<String> paths(String svg) {
    Matcher m = Pattern.compile("<path d=\"([^\"]+)\"").matcher(svg);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void flowBandsAreAsTallAsTheirMovesAtBothEnds() {
    String svg = Svg.flows("Moves", "From", List.of("A & B", "New"), "To", List.of("C", "D"),
        new double[][] {{42, 14}, {0, 35}}, v -> String.valueOf((long) v));

    // 91 moves fill the 200 pixels less one 18-pixel gap: 2 pixels a move, from y=26; labels "A & B (56)" take 86
    // pixels, "C (42)" the least, 80: bands run from x=98 to x=668, bending half way at 383
    assertEquals(List.of(
        "M98 26.0 C383.0 26.0, 383.0 26.0, 668 26.0 L668 110.0 C383.0 110.0, 383.0 110.0, 98 110.0 Z",
        // A & B's second band leaves below its first; it arrives at D (y=26+84+18) first, from the first source
        "M98 110.0 C383.0 110.0, 383.0 128.0, 668 128.0 L668 156.0 C383.0 156.0, 383.0 138.0, 98 138.0 Z",
        // New starts after A & B's 112 pixels and a gap; it arrives at D below A & B's 28 pixels
        "M98 156.0 C383.0 156.0, 383.0 156.0, 668 156.0 L668 226.0 C383.0 226.0, 383.0 226.0, 98 226.0 Z"),
        paths(svg));
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"236\""), svg);
    // nodes as tall as their totals, named with them; a colour per name in order of appearance (D: the fourth), the
    // same for a source and its bands
    assertTrue(svg.contains("<rect x=\"86\" y=\"26.0\" width=\"12\" height=\"112.0\" fill=\"#3b6ea8\">"
        + "<title>A &amp; B (56)</title></rect>"), svg);
    assertTrue(svg.contains("<rect x=\"668\" y=\"128.0\" width=\"12\" height=\"98.0\" fill=\"#b5485d\">"
        + "<title>D (49)</title></rect>"), svg);
    assertTrue(svg.contains("fill=\"#3b6ea8\" fill-opacity=\"0.45\"><title>A &amp; B \u2192 D: 14</title></path>"),
        svg);
    assertTrue(svg.contains("fill=\"#e07b39\" fill-opacity=\"0.45\"><title>New \u2192 D: 35</title></path>"), svg);
    // each band's number inside it, at its source; node labels beside their nodes, at their middle
    assertTrue(svg.contains("<text x=\"104\" y=\"72\" text-anchor=\"start\" fill=\"#222222\">42</text>"), svg);
    assertTrue(svg.contains("<text x=\"104\" y=\"128\" text-anchor=\"start\" fill=\"#222222\">14</text>"), svg);
    assertTrue(svg.contains("<text x=\"80\" y=\"86\" text-anchor=\"end\" fill=\"#222222\">A &amp; B (56)</text>"),
        svg);
    assertTrue(svg.contains("<text x=\"686\" y=\"181\" text-anchor=\"start\" fill=\"#222222\">D (49)</text>"),
        svg);
    assertFalse(svg.contains("A & B"), "escaped everywhere");
  }

  @Test
  void aFlowTooThinForItsNumberKeepsItInItsTitleAndAShorterSideIsCentred() {
    String svg = Svg.flows("Moves", "From", List.of("a", "b", "c"), "To", List.of("d"),
        new double[][] {{170}, {6}, {0}}, v -> String.valueOf((long) v));

    // 176 moves in 200 - 2 * 18 = 164 pixels; the one target is 164 tall, centred: from 26 + 18; labels take the
    // least, 80 pixels, on both sides: bands from x=92 to 668
    double scale = 164.0 / 176;
    List<String> bands = paths(svg);
    assertEquals(2, bands.size(), "no band for c's 0");
    assertTrue(bands.get(1).startsWith(String.format(java.util.Locale.ROOT, "M92 %.1f C380.0 %.1f, 380.0 %.1f, 668 "
        + "%.1f L668 %.1f", 26 + 170 * scale + 18, 26 + 170 * scale + 18, 44 + 170 * scale, 44 + 170 * scale,
        44 + 176 * scale)), bands.get(1));
    assertTrue(svg.contains("<title>b \u2192 d: 6</title>"), svg);
    assertFalse(svg.contains(">6</text>"), "5.6 pixels hold no text: " + svg);
    assertTrue(svg.contains(">170</text>"), svg);
    // c moved nobody: a node of no height, still named
    assertTrue(svg.contains(">c (0)</text>"), svg);
  }

  @Test
  void namedAxesMoveTheLegendDown() {
    String svg = Svg.lines("Holdout", "Repeat purchases", "Mean purchases", List.of("0", "1"), List.of(
        new Svg.Series("actual", new double[] {0, 2})), v -> String.valueOf(v), 0, Double.NaN);

    assertTrue(svg.contains("<text x=\"395\" y=\"250\" text-anchor=\"middle\" fill=\"#222222\">Repeat purchases"
        + "</text>"), svg);
    assertTrue(svg.contains("transform=\"rotate(-90 14 112)\">Mean purchases</text>"), svg);
    assertTrue(svg.contains("<path d=\"M80.0 212.0 L710.0 12.0\""), svg);
    assertTrue(svg.contains("<rect x=\"80\" y=\"264\" width=\"14\""), "legend 20 pixels lower: " + svg);
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"294\""), svg);
  }

  @Test
  void aLabelTooLongForItsColumnEndsInAnEllipsis() {
    assertEquals("segment: Low\u2026", Svg.shortened("segment: Low value, active", 13));
    assertEquals("rfm: new", Svg.shortened("rfm: new", 8));
  }
}
