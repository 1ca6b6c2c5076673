package io.kindred.quality;

import java.util.Arrays;
import java.util.Locale;

/**
 * Why a raw record did not reach a silver table. Every quarantined row carries one of these codes; the generator
 * tags every record it dirties with the code the cleaning stage must give it. {@link #EXACT_DUPLICATE} and
 * {@link #FORGOTTEN} are the reasons that are dropped and counted instead of quarantined.
 */
public enum Reason {
  /** The line does not parse in the source's format (wrong field count, broken quoting, invalid JSON). */
  MALFORMED_RECORD,
  /** A required column is missing or empty (other than the customer id). */
  MISSING_REQUIRED_FIELD,
  /** The customer id is missing or empty. */
  MISSING_CUSTOMER_ID,
  /** The timestamp does not parse in the source's format. */
  BAD_TIMESTAMP,
  /** The timestamp falls after the run date. */
  FUTURE_TIMESTAMP,
  /**
   * A number (amount, quantity, rating) does not parse, or does not fit its column: more integer digits or decimal
   * places than the column stores (amounts: 14 and 4), an exponent ({@code 1e300}), NaN or Infinity.
   */
  BAD_NUMBER,
  /** The record holds bytes that are not valid in the source's declared encoding (e.g. Latin-1 in a UTF-8 file). */
  BAD_ENCODING,
  /**
   * A field holds a control character: U+0000..U+001F other than tab, line feed and carriage return, U+007F, or a
   * byte-order mark (U+FEFF) other than at the start of a file.
   */
  CONTROL_CHARACTER,
  /** A field is longer than {@code kindred.clean.max-field-length} characters. */
  FIELD_TOO_LONG,
  /** A JSON object or array where a single value (an id, a number, a text) is expected. */
  NOT_A_SCALAR,
  /** A purchase (not a return) with an amount of zero or less. */
  NON_POSITIVE_AMOUNT,
  /** A currency the FX-rate table does not know. */
  UNKNOWN_CURRENCY,
  /** A known currency with no rate for the transaction's date. */
  MISSING_FX_RATE,
  /** The same transaction id arrived again with different content; the first one stays. */
  CONFLICTING_DUPLICATE,
  /** An interaction whose actor is its target. */
  SELF_INTERACTION,
  /** An interaction type outside follow, unfollow, like, comment, share, mention, referral, review. */
  UNKNOWN_INTERACTION_TYPE,
  /** A review rating outside 1..5. */
  RATING_OUT_OF_RANGE,
  /** The same record, to the byte, arrived again: dropped and counted, not quarantined. */
  EXACT_DUPLICATE,
  /**
   * The record's customer (or the actor or target of an interaction) was forgotten ({@code kindred forget}): dropped
   * and counted, never quarantined, whatever else is wrong with it.
   */
  FORGOTTEN;

  /** The code stored in tables and truth files, e.g. {@code missing_customer_id}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reason with this code. */
  public static Reason ofCode(String code) {
    return Arrays.stream(values()).filter(r -> r.code().equals(code)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown reason code '" + code + "'; expected one of "
            + Arrays.stream(values()).map(Reason::code).toList()));
  }
}
