package io.kindred.clean;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A raw feed Kindred cleans, with its canonical input fields: the names a source definition maps its own columns
 * onto ({@code columns { <canonical> = "<source column>" }}).
 */
public enum Feed {
  TRANSACTIONS("transaction_id",
      new Field("transaction_id", Kind.STRING),
      new Field("customer_id", Kind.STRING),
      new Field("timestamp", Kind.TIMESTAMP),
      new Field("amount", Kind.DECIMAL),
      new Field("currency", Kind.STRING),
      new Field("quantity", Kind.INTEGER),
      new Field("product_id", Kind.STRING),
      new Field("category", Kind.STRING),
      new Field("channel", Kind.STRING),
      new Field("original_transaction_id", Kind.STRING)),
  CUSTOMERS("customer_id",
      new Field("customer_id", Kind.STRING),
      new Field("email", Kind.STRING),
      new Field("phone", Kind.STRING),
      new Field("country", Kind.STRING),
      new Field("signup_date", Kind.DATE),
      new Field("marketing_consent", Kind.BOOLEAN),
      new Field("consent_updated_at", Kind.TIMESTAMP),
      new Field("updated_at", Kind.TIMESTAMP)),
  INTERACTIONS("event_id",
      new Field("event_id", Kind.STRING),
      new Field("actor", Kind.STRING),
      new Field("target", Kind.STRING),
      new Field("type", Kind.STRING),
      new Field("timestamp", Kind.TIMESTAMP),
      new Field("rating", Kind.INTEGER)),
  FX_RATES(null,
      new Field("date", Kind.DATE),
      new Field("currency", Kind.STRING),
      new Field("rate_to_usd", Kind.DECIMAL));

  /** How a canonical field's text is read. */
  public enum Kind { STRING, TIMESTAMP, DATE, DECIMAL, INTEGER, BOOLEAN }

  /** One canonical input field. */
  public record Field(String name, Kind kind) implements java.io.Serializable {
  }

  private final String idField;
  private final List<Field> fields;

  Feed(String idField, Field... fields) {
    this.idField = idField;
    this.fields = List.of(fields);
  }

  /**
   * Optional fields whose malformed value is nulled, the record kept (and counted as {@code bad_optional_field}),
   * when the source does not require them: a customer update whose sign-up date or consent timestamp is malformed
   * still carries its consent change, which must not be lost with the rest of the record.
   */
  public java.util.Set<String> keptWhenMalformed() {
    return this == CUSTOMERS ? java.util.Set.of("signup_date", "consent_updated_at") : java.util.Set.of();
  }

  /** The fields holding a person's id: a record is forgotten with the person ({@code kindred forget}). */
  public List<String> personFields() {
    return switch (this) {
      case TRANSACTIONS, CUSTOMERS -> List.of("customer_id");
      case INTERACTIONS -> List.of("actor", "target");
      case FX_RATES -> List.of();
    };
  }

  /** The field that identifies a record (transaction, customer or event id), or null. */
  public String idField() {
    return idField;
  }

  public List<Field> fields() {
    return fields;
  }

  public List<String> fieldNames() {
    return fields.stream().map(Field::name).toList();
  }

  /** Index of canonical field {@code name}, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The name used in source definitions ({@code table = transactions}). */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Feed ofCode(String code) {
    return Arrays.stream(values()).filter(f -> f.code().equals(code)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown feed '" + code + "'; expected one of "
            + Arrays.stream(values()).map(Feed::code).toList()));
  }
}
