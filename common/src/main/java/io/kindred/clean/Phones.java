package io.kindred.clean;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Normalises phone numbers as people type them to E.164 ({@code +<country code><national number>}), using the
 * customer's country (ISO 3166-1 alpha-2) to read national numbers. The rule set is deliberately small: the
 * countries below, each with its calling code, its trunk prefix (dropped from national numbers) and the lengths
 * its national significant numbers may have. A number that does not fit returns null.
 *
 * <table>
 * <caption>Rules</caption>
 * <tr><th>country</th><th>code</th><th>trunk</th><th>digits</th></tr>
 * <tr><td>US, CA</td><td>1</td><td>1</td><td>10</td></tr>
 * <tr><td>GB</td><td>44</td><td>0</td><td>9-10</td></tr>
 * <tr><td>IE</td><td>353</td><td>0</td><td>7-9</td></tr>
 * <tr><td>DE</td><td>49</td><td>0</td><td>6-11</td></tr>
 * <tr><td>FR</td><td>33</td><td>0</td><td>9</td></tr>
 * <tr><td>NL</td><td>31</td><td>0</td><td>9</td></tr>
 * <tr><td>ES</td><td>34</td><td>none</td><td>9</td></tr>
 * <tr><td>IT</td><td>39</td><td>none (the leading 0 is kept)</td><td>6-11</td></tr>
 * <tr><td>JP</td><td>81</td><td>0</td><td>9-10</td></tr>
 * <tr><td>AU</td><td>61</td><td>0</td><td>9</td></tr>
 * </table>
 */
public final class Phones {

  /** One country's numbering rule. */
  public record Rule(String callingCode, String trunkPrefix, int minDigits, int maxDigits) {
  }

  /** The rules by country. */
  public static final Map<String, Rule> RULES = Map.ofEntries(
      Map.entry("US", new Rule("1", "1", 10, 10)),
      Map.entry("CA", new Rule("1", "1", 10, 10)),
      Map.entry("GB", new Rule("44", "0", 9, 10)),
      Map.entry("IE", new Rule("353", "0", 7, 9)),
      Map.entry("DE", new Rule("49", "0", 6, 11)),
      Map.entry("FR", new Rule("33", "0", 9, 9)),
      Map.entry("NL", new Rule("31", "0", 9, 9)),
      Map.entry("ES", new Rule("34", "", 9, 9)),
      Map.entry("IT", new Rule("39", "", 6, 11)),
      Map.entry("JP", new Rule("81", "0", 9, 10)),
      Map.entry("AU", new Rule("61", "0", 9, 9)));

  private static final List<Rule> BY_CODE_LENGTH = RULES.values().stream().distinct()
      .sorted(Comparator.comparingInt((Rule r) -> r.callingCode().length()).reversed()).toList();
  private static final Pattern ALLOWED = Pattern.compile("\\+?[0-9 ().\\-/]+");

  private Phones() {
  }

  /** {@code phone} in E.164, or null when it is empty or cannot be read with the rules above. */
  public static String toE164(String phone, String country) {
    if (phone == null || phone.isBlank()) {
      return null;
    }
    String p = phone.strip();
    if (!ALLOWED.matcher(p).matches()) {
      return null;
    }
    String digits = p.replaceAll("[^0-9]", "");
    boolean international = p.startsWith("+") || digits.startsWith("00");
    if (international) {
      if (!p.startsWith("+")) {
        digits = digits.substring(2);
      }
      for (Rule rule : BY_CODE_LENGTH) {
        if (digits.startsWith(rule.callingCode())) {
          String national = digits.substring(rule.callingCode().length());
          if (rule.trunkPrefix().equals("0") && national.startsWith("0")) {
            national = national.substring(1); // +44 (0)20 ...
          }
          String out = fit(rule, national);
          if (out != null) {
            return out;
          }
        }
      }
      return null;
    }
    Rule rule = country == null ? null : RULES.get(country.strip().toUpperCase(Locale.ROOT));
    if (rule == null) {
      return null;
    }
    String national = digits;
    if (!rule.trunkPrefix().isEmpty() && national.startsWith(rule.trunkPrefix())
        && national.length() > rule.maxDigits()) {
      national = national.substring(rule.trunkPrefix().length());
    } else if (rule.trunkPrefix().equals("0") && national.startsWith("0")) {
      national = national.substring(1);
    }
    return fit(rule, national);
  }

  private static String fit(Rule rule, String national) {
    if (national.length() < rule.minDigits() || national.length() > rule.maxDigits()) {
      return null;
    }
    return "+" + rule.callingCode() + national;
  }
}
