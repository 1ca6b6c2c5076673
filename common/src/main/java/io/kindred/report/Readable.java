package io.kindred.report;

import java.util.List;
import java.util.Locale;

/** Numbers and names as a marketer reads them: money with its currency and separators, shares as percentages. */
public final class Readable {

  private Readable() {
  }

  /** {@code $1,234,568} (whole units from 1,000 up), {@code $12.50} below; {@code -} for NaN. */
  public static String money(double amount, String currency) {
    if (Double.isNaN(amount)) {
      return "-";
    }
    String symbol = "USD".equals(currency) ? "$" : currency + " ";
    String sign = amount < 0 ? "-" : "";
    double abs = Math.abs(amount);
    return sign + symbol + (abs >= 1000 ? String.format(Locale.ROOT, "%,.0f", abs)
        : String.format(Locale.ROOT, "%,.2f", abs));
  }

  /** A share in [0, 1] as {@code 32.3%}; {@code -} for NaN. */
  public static String percent(double share) {
    return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** A count with thousands separators: {@code 12,345}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A number with {@code digits} decimals and thousands separators. */
  public static String number(double value, int digits) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  /** Abbreviations written in capitals. */
  private static final java.util.Set<String> ABBREVIATIONS = java.util.Set.of("clv", "rfm", "auc", "bg", "mbg", "nbd",
      "id", "usd");

  /**
   * A column or code name as words: {@code churn_probability_mean} gives {@code Churn probability mean},
   * {@code clv_mean} {@code CLV mean}, {@code spend_90d} {@code Spend 90 days}.
   */
  public static String words(String code) {
    List<String> words = new java.util.ArrayList<>();
    for (String word : code.trim().split("[_ ]+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT))) {
        words.add(word.toUpperCase(Locale.ROOT));
      } else if (word.matches("[0-9]+d")) {
        words.add(word.substring(0, word.length() - 1) + " days");
      } else {
        words.add(word);
      }
    }
    String spaced = String.join(" ", words);
    return spaced.isEmpty() ? spaced : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
  }

  /** Text for HTML (element content and attribute values). */
  public static String html(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
