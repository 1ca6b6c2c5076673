package io.kindred.clean;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalises phone numbers as people type them to E.164 ({@code +<country code><national number>}) with Google's
 * libphonenumber, for every country it knows: a national number is read with the customer's country (ISO 3166-1
 * alpha-2), an international one ({@code +44 ...}, {@code 0044 ...}) with its own country code. A number is kept
 * when its length is possible for its country ({@link PhoneNumberUtil#isPossibleNumber}: libphonenumber's rule
 * by length, not whether the number is assigned). A number written already in E.164 ({@code +} and 8 to 15 digits,
 * nothing else) with a country code libphonenumber knows is kept as written. Anything else returns null: letters,
 * an extension, a national number without a country, an impossible length, an unknown country code.
 */
public final class Phones {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
  private static final Pattern ALLOWED = Pattern.compile("\\+?[0-9 ().\\-/]+");
  /** What libphonenumber calls "no region": an international number is read with its own country code. */
  private static final String UNKNOWN_REGION = "ZZ";

  private Phones() {
  }

  /** {@code phone} in E.164, or null when it is empty or cannot be read (see the class comment). */
  public static String toE164(String phone, String country) {
    if (phone == null || phone.isBlank()) {
      return null;
    }
    String p = phone.strip();
    if (E164.matcher(p).matches()) {
      return knownCountryCode(p) ? p : null;
    }
    if (!ALLOWED.matcher(p).matches()) {
      return null; // letters, an extension: libphonenumber would read "ext 7" and "1-800-FLOWERS"
    }
    String region = country == null || country.isBlank() ? UNKNOWN_REGION : country.strip().toUpperCase(Locale.ROOT);
    try {
      PhoneNumber number = UTIL.parse(p, region);
      if (!UTIL.isPossibleNumber(number)) {
        return null;
      }
      return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      return null;
    }
  }

  private static boolean knownCountryCode(String e164) {
    try {
      PhoneNumber number = UTIL.parse(e164, UNKNOWN_REGION);
      return !UTIL.getRegionCodeForCountryCode(number.getCountryCode()).equals(UNKNOWN_REGION)
          || UTIL.getSupportedGlobalNetworkCallingCodes().contains(number.getCountryCode());
    } catch (NumberParseException e) {
      return false;
    }
  }
}
