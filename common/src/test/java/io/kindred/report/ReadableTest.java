package io.kindred.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReadableTest {

  @Test
  void moneyHasItsCurrencyAndSeparators() {
    assertEquals("$1,234,568", Readable.money(1_234_567.5, "USD"));
    assertEquals("$999.50", Readable.money(999.5, "USD"));
    assertEquals("-$12.00", Readable.money(-12, "USD"));
    assertEquals("EUR 1,000", Readable.money(1000, "EUR"));
    assertEquals("-", Readable.money(Double.NaN, "USD"));
  }

  @Test
  void sharesArePercentagesAndCodesAreWords() {
    assertEquals("32.3%", Readable.percent(0.323));
    assertEquals("100.0%", Readable.percent(1));
    assertEquals("12,345", Readable.count(12_345));
    assertEquals("0.808", Readable.number(0.808352200407754, 3));
    assertEquals("Churn probability mean", Readable.words("churn_probability_mean"));
    assertEquals("CLV mean", Readable.words("clv_mean"));
    assertEquals("BG NBD", Readable.words("bg_nbd"));
    assertEquals("BG/NBD", ReportSections.modelName("bg_nbd"));
    assertEquals("Gamma-Gamma", ReportSections.modelName("gamma_gamma"));
    assertEquals("Pareto/NBD", ReportSections.modelName("pareto_nbd"));
    assertEquals("Spend 90 days", Readable.words("spend_90d"));
    assertEquals("Customer ID", Readable.words("customer_id"));
    assertEquals("Identity", Readable.words("identity"));
    assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", Readable.html("<b> & \"x\" 'y'"));
  }
}
