package io.kindred.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void aLabelTooLongForItsColumnEndsInAnEllipsis() {
    assertEquals("segment: Low\u2026", Svg.shortened("segment: Low value, active", 13));
    assertEquals("rfm: new", Svg.shortened("rfm: new", 8));
  }
}
