package io.kindred.generate;

import java.util.List;

/**
 * The raw feeds' contract (docs/sources.md): feed names, field names in order, CSV headers, and the truth files
 * the generator writes beside them. The cleaning stage reads the same constants.
 */
public final class RawFeeds {

  private RawFeeds() {
  }

  public static final String CUSTOMERS = "customers";
  public static final String TRANSACTIONS = "transactions";
  public static final String FX_RATES = "fx_rates";
  public static final String INTERACTIONS = "interactions";
  /** The feed folders, in the order they are written. */
  public static final List<String> FEEDS = List.of(CUSTOMERS, TRANSACTIONS, FX_RATES, INTERACTIONS);
  /** The folder of the truth files, beside the feeds. */
  public static final String TRUTH = "truth";

  /** Fields of the customers feed. */
  public static final class CustomerFields {
    public static final String CUSTOMER_ID = "customer_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String COUNTRY = "country";
    public static final String SIGNUP_DATE = "signup_date";
    public static final String MARKETING_CONSENT = "marketing_consent";
    public static final String CONSENT_UPDATED_AT = "consent_updated_at";
    public static final String UPDATED_AT = "updated_at";
    public static final List<String> ALL = List.of(CUSTOMER_ID, EMAIL, PHONE, COUNTRY, SIGNUP_DATE,
        MARKETING_CONSENT, CONSENT_UPDATED_AT, UPDATED_AT);

    private CustomerFields() {
    }
  }

  /** Fields of the transactions feed (CSV columns and JSON keys alike). */
  public static final class TransactionFields {
    public static final String TRANSACTION_ID = "transaction_id";
    public static final String CUSTOMER_ID = "customer_id";
    public static final String TIMESTAMP = "timestamp";
    public static final String AMOUNT = "amount";
    public static final String CURRENCY = "currency";
    public static final String QUANTITY = "quantity";
    public static final String PRODUCT_ID = "product_id";
    public static final String CATEGORY = "category";
    public static final String CHANNEL = "channel";
    public static final String ORIGINAL_TRANSACTION_ID = "original_transaction_id";
    public static final List<String> ALL = List.of(TRANSACTION_ID, CUSTOMER_ID, TIMESTAMP, AMOUNT, CURRENCY,
        QUANTITY, PRODUCT_ID, CATEGORY, CHANNEL, ORIGINAL_TRANSACTION_ID);

    private TransactionFields() {
    }
  }

  /** Fields of the fx_rates feed. */
  public static final class FxFields {
    public static final String DATE = "date";
    public static final String CURRENCY = "currency";
    public static final String RATE_TO_USD = "rate_to_usd";
    public static final List<String> ALL = List.of(DATE, CURRENCY, RATE_TO_USD);

    private FxFields() {
    }
  }

  /** Keys of the interactions feed. */
  public static final class InteractionFields {
    public static final String EVENT_ID = "event_id";
    public static final String ACTOR = "actor";
    public static final String TARGET = "target";
    public static final String TYPE = "type";
    public static final String TIMESTAMP = "timestamp";
    public static final String RATING = "rating";
    public static final List<String> ALL = List.of(EVENT_ID, ACTOR, TARGET, TYPE, TIMESTAMP, RATING);

    private InteractionFields() {
    }
  }

  /** Truth file names below {@code truth/}. */
  public static final String TRUTH_CUSTOMERS = "customers.csv";
  public static final String TRUTH_SOCIAL_USERS = "social_users.csv";
  public static final String TRUTH_BAD_RECORDS = "bad_records.jsonl";
  public static final String TRUTH_LATE_RECORDS = "late_records.jsonl";
  public static final String TRUTH_PARAMETERS = "parameters.json";
  public static final String TRUTH_SUMMARY = "summary.json";

  /** Columns of {@code truth/customers.csv}. */
  public static final List<String> TRUTH_CUSTOMER_COLUMNS = List.of("customer_id", "archetype", "community",
      "is_influencer", "signup_date", "first_purchase_at", "lambda", "p", "nu", "dropout_date", "purchases",
      "boosted_purchases", "returns", "campaign_group", "campaign_purchases");
  /** Columns of {@code truth/social_users.csv}. */
  public static final List<String> TRUTH_SOCIAL_USER_COLUMNS = List.of("user_id", "community", "is_influencer",
      "is_customer");

  /** The CSV header line of a feed (customers, transactions, fx_rates). */
  public static String header(List<String> fields) {
    return String.join(",", fields);
  }

  /** The file extension of a CSV feed file. */
  public static final String CSV = "csv";
  /** The file extension of a JSON-lines feed file. */
  public static final String JSONL = "jsonl";
}
