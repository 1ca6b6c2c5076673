package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pins down the per-customer summary the fits expect, by rebuilding the published CDNOW summary from the raw
 * purchases: the definition the feature stage must implement (see the package documentation).
 */
class CdnowSummaryDefinitionTest {

  private static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

  @Test
  void summaryFollowsFromThePurchases() throws IOException {
    // sample id -> day -> value of that day's purchases
    Map<Integer, TreeMap<LocalDate, Double>> days = new HashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/cdnow/CDNOW_sample.txt");
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] f = line.trim().split("\\s+");
        LocalDate day = LocalDate.parse(f[2], DateTimeFormatter.BASIC_ISO_DATE);
        if (!day.isAfter(CALIBRATION_END)) {
          days.computeIfAbsent(Integer.parseInt(f[1]), k -> new TreeMap<>()).merge(day, Double.parseDouble(f[4]),
              Double::sum);
        }
      }
    }
    List<Cdnow.Customer> published = Cdnow.customers();

    assertEquals(2357, published.size());
    for (Cdnow.Customer expected : published) {
      TreeMap<LocalDate, Double> history = days.get(expected.id());
      LocalDate first = history.firstKey();
      int x = history.size() - 1;
      double tx = ChronoUnit.DAYS.between(first, history.lastKey()) / 7.0;
      double age = ChronoUnit.DAYS.between(first, CALIBRATION_END) / 7.0;
      double zbar = x == 0 ? 0 : history.tailMap(first, false).values().stream().mapToDouble(Double::doubleValue)
          .sum() / x;
      String who = "customer " + expected.id();
      assertEquals(expected.x(), x, who);
      assertEquals(expected.tx(), Math.round(tx * 100) / 100.0, 1e-9, who);
      assertEquals(expected.age(), Math.round(age * 100) / 100.0, 1e-9, who);
      assertEquals(expected.zbar(), zbar, 0.005 + 1e-9, who);
    }
  }
}
