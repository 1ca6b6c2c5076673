package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Record-level parsing and rules, without Spark. */
class RecordParserTest {

  static final Date DAY = Date.valueOf(LocalDate.of(1998, 6, 30));

  static SourceDef shop(String repeats, String timestampFormat, String zone) {
    return SourceDef.fromConfig(ConfigFactory.parseString("name = shop, feed = transactions, layout = single\n"
        + "formats { txt { type = whitespace, header = false, column-names = [c, d, n, v] } }\n"
        + "columns { customer_id = c, timestamp = d, quantity = n, amount = v }\n"
        + "constants { currency = usd }\n"
        + "optional = [product_id, category, channel, original_transaction_id]\n"
        + "timestamp-format = \"" + timestampFormat + "\", time-zone = \"" + zone + "\"\n"
        + "number { decimal-separator = \",\", grouping-separator = \".\" }\n"
        + "derived-id { fields = [customer_id, timestamp, quantity, amount], repeats-in-file = " + repeats + " }"),
        "test");
  }

  static Row parse(SourceDef source, String raw, int occurrence) {
    return new RecordParser(source, Map.of()).parse(RowFactory.create(DAY, "/in/a.txt", 2L, raw, occurrence));
  }

  static Object field(Row row, String name) {
    return row.get(RecordParser.parsedSchema(Feed.TRANSACTIONS).fieldIndex(name));
  }

  @Test
  void aValidLineIsTypedInTheSourcesFormats() {
    Row ok = parse(shop("distinct", "yyyyMMdd", "Europe/Paris"), "00001 19980630 2 1.234,50", 0);
    assertNull(field(ok, RecordParser.REASON));
    assertEquals(Instant.parse("1998-06-29T22:00:00Z"), ((java.sql.Timestamp) field(ok, "timestamp")).toInstant());
    assertEquals(new BigDecimal("1234.50"), field(ok, "amount"));
    assertEquals(2, field(ok, "quantity"));
    assertEquals("USD", field(ok, "currency"));
  }

  static SourceDef epochShop(String format) {
    return SourceDef.fromConfig(ConfigFactory.parseString("name = shop, feed = transactions, layout = single\n"
        + "formats { txt { type = whitespace, header = false, column-names = [inv, c, d, n, v] } }\n"
        + "columns { customer_id = c, timestamp = d, quantity = n, amount = v }\n"
        + "constants { currency = GBP }\n"
        + "optional = [product_id, category, channel, original_transaction_id]\n"
        + "timestamp-format = " + format + "\n"
        + "derived-id { fields = [inv, customer_id], repeats-in-file = duplicate }"), "test");
  }

  @Test
  void epochTimestampsAreSecondsOrMillisecondsSince1970() {
    SourceDef seconds = epochShop("epoch-seconds");
    SourceDef millis = epochShop("epoch-millis");
    assertEquals(Instant.parse("1998-06-29T22:00:00Z"), ((java.sql.Timestamp) field(parse(seconds,
        "A1 7 899157600 1 2.50", 0), "timestamp")).toInstant());
    assertEquals(Instant.parse("1998-06-29T22:00:00.250Z"), ((java.sql.Timestamp) field(parse(seconds,
        "A1 7 899157600.25 1 2.50", 0), "timestamp")).toInstant());
    assertEquals(Instant.parse("1998-06-29T22:00:00.123Z"), ((java.sql.Timestamp) field(parse(millis,
        "A1 7 899157600123 1 2.50", 0), "timestamp")).toInstant());
    assertEquals(Instant.parse("1969-12-31T23:59:59Z"), ((java.sql.Timestamp) field(parse(seconds,
        "A1 7 -1 1 2.50", 0), "timestamp")).toInstant());
    Row notANumber = parse(seconds, "A1 7 1998-06-29 1 2.50", 0);
    assertEquals("bad_timestamp", field(notANumber, RecordParser.REASON));
    assertEquals("timestamp '1998-06-29' is not a timestamp in format epoch-seconds",
        field(notANumber, RecordParser.DETAIL));
    Row tooFine = parse(millis, "A1 7 899157600123.0005 1 2.50", 0);
    assertEquals("bad_timestamp", field(tooFine, RecordParser.REASON));
    assertEquals("timestamp '899157600123.0005' is not a timestamp in format epoch-millis (whole microseconds in "
        + "years 0001..9999)", field(tooFine, RecordParser.DETAIL));
    Row tooLate = parse(seconds, "A1 7 99999999999999 1 2.50", 0);
    assertEquals("bad_timestamp", field(tooLate, RecordParser.REASON));
    assertEquals("timestamp '99999999999999' is not a timestamp in format epoch-seconds (whole microseconds in "
        + "years 0001..9999)", field(tooLate, RecordParser.DETAIL));
  }

  @Test
  void aDerivedIdMayHashTheSourcesOwnColumns() {
    SourceDef source = epochShop("epoch-seconds");
    Object a = field(parse(source, "A1 7 899157600 1 2.50", 0), RecordParser.RECORD_ID);
    // the same canonical fields on another invoice: another id
    Object b = field(parse(source, "A2 7 899157600 1 2.50", 0), RecordParser.RECORD_ID);
    // another amount on the same invoice (amount is not hashed): the same id, a conflicting duplicate later
    Object c = field(parse(source, "A1 7 899157600 1 3.50", 0), RecordParser.RECORD_ID);
    assertNotEquals(a, b);
    assertEquals(a, c);
    assertEquals("X" + RecordParser.sha256("shop\u0001A1\u00017\u00010").substring(0, 24), a);
  }

  @Test
  void derivedIdsTellRepeatsApartOnlyWhenTheSourceSaysSo() {
    SourceDef distinct = shop("distinct", "yyyyMMdd", "UTC");
    SourceDef copies = shop("duplicate", "yyyyMMdd", "UTC");
    String line = "00001 19980630 1 11,77";

    Object first = field(parse(distinct, line, 0), RecordParser.RECORD_ID);
    Object second = field(parse(distinct, line, 1), RecordParser.RECORD_ID);

    assertNotEquals(first, second);
    assertEquals(first, field(parse(distinct, line, 0), RecordParser.RECORD_ID));
    assertEquals(field(parse(copies, line, 0), RecordParser.RECORD_ID),
        field(parse(copies, line, 1), RecordParser.RECORD_ID));
    assertEquals(field(parse(distinct, line, 0), RecordParser.CONTENT_HASH),
        field(parse(distinct, "00001  19980630  1  11,77", 0), RecordParser.CONTENT_HASH));
  }

  @Test
  void eachRuleGivesItsReasonAndDetail() {
    SourceDef source = shop("distinct", "yyyyMMdd", "UTC");
    List<String[]> cases = List.of(
        new String[] {"00001 19980631 1 5", "bad_timestamp", "timestamp '19980631' is not a timestamp in format "
            + "yyyyMMdd"},
        new String[] {"00001 19980701 1 5", "future_timestamp", "timestamp 1998-07-01T00:00:00Z is after the run "
            + "date 1998-06-30"},
        new String[] {"00001 19980630 1 0", "non_positive_amount", "purchase with amount 0"},
        new String[] {"00001 19980630 x 5", "bad_number", "quantity 'x' is not a number"},
        new String[] {"00001 19980630 1 5,5,5", "bad_number", "amount '5,5,5' is not a number"},
        new String[] {"00001 19980630 1", "malformed_record", "expected 4 fields [c, d, n, v], got 3"},
        new String[] {"00001 19980630 -1 5", "malformed_record", "a return (quantity -1) with a positive amount 5"});
    for (String[] c : cases) {
      Row row = parse(source, c[0], 0);
      assertEquals(c[1], field(row, RecordParser.REASON), c[0]);
      assertEquals(c[2], field(row, RecordParser.DETAIL), c[0]);
      assertNull(field(row, "amount"), "a rejected record carries no typed values");
    }
  }

  @Test
  void aReviewsTargetIsAProductSoItsIdMayEqualTheAuthorsButAUsersMayNot() {
    RecordParser parser = new RecordParser(SourceDef.load("generator-interactions"), Map.of());
    String line = "{\"event_id\": \"e%d\", \"actor\": \"42\", \"target\": \"42\", \"type\": \"%s\", "
        + "\"timestamp\": \"1998-06-29T10:00:00Z\"%s}";
    Row review = parser.parse(RowFactory.create(DAY, "/in/a.jsonl", 1L, String.format(line, 1, "review",
        ", \"rating\": 4"), 0));
    Row like = parser.parse(RowFactory.create(DAY, "/in/a.jsonl", 2L, String.format(line, 2, "like", ""), 0));

    assertNull(review.get(RecordParser.parsedSchema(Feed.INTERACTIONS).fieldIndex(RecordParser.REASON)));
    assertEquals("42", review.get(RecordParser.parsedSchema(Feed.INTERACTIONS).fieldIndex("target")));
    assertEquals("self_interaction", like.get(RecordParser.parsedSchema(Feed.INTERACTIONS)
        .fieldIndex(RecordParser.REASON)));
    assertEquals("actor and target are both 42", like.get(RecordParser.parsedSchema(Feed.INTERACTIONS)
        .fieldIndex(RecordParser.DETAIL)));
  }

  static SourceDef crm(String required) {
    return SourceDef.fromConfig(ConfigFactory.parseString("name = crm, feed = customers, layout = single\n"
        + "formats { csv { type = csv, delimiter = \",\", header = false, column-names = [id, consent, at, "
        + "since, updated] } }\n"
        + "columns { customer_id = id, marketing_consent = consent, consent_updated_at = at, signup_date = since, "
        + "updated_at = updated }\n"
        + "optional = [email, phone, country" + required + "]\n"
        + "timestamp-format = iso-offset, date-format = \"yyyy-MM-dd\", time-zone = UTC"), "test");
  }

  static Object customerField(Row row, String name) {
    return row.get(RecordParser.parsedSchema(Feed.CUSTOMERS).fieldIndex(name));
  }

  @Test
  void aMalformedOptionalFieldOfACustomerUpdateIsNulledAndTheConsentChangeKept() {
    SourceDef source = crm(", signup_date, marketing_consent, consent_updated_at");
    RecordParser parser = new RecordParser(source, Map.of());
    Row row = parser.parse(RowFactory.create(DAY, "/in/a.csv", 2L,
        "C1,false,1998-06-29T10:00:00,1998-02-30,1998-06-29T10:00:00Z", 0));

    assertNull(customerField(row, RecordParser.REASON));
    // in the feed's field order
    assertEquals("bad_optional_field: signup_date '1998-02-30' is not a date in format yyyy-MM-dd (nulled); "
        + "consent_updated_at '1998-06-29T10:00:00' is not a timestamp in format iso-offset (nulled)",
        customerField(row, RecordParser.DETAIL));
    assertEquals(Boolean.FALSE, customerField(row, "marketing_consent"), "the withdrawal is kept");
    assertNull(customerField(row, "consent_updated_at"));
    assertNull(customerField(row, "signup_date"));
    assertEquals(Instant.parse("1998-06-29T10:00:00Z"),
        ((java.sql.Timestamp) customerField(row, "updated_at")).toInstant());

    // the consent itself malformed: nothing to keep, the record is quarantined as before
    Row badConsent = parser.parse(RowFactory.create(DAY, "/in/a.csv", 3L,
        "C1,nope,1998-06-29T10:00:00Z,1998-02-01,1998-06-29T10:00:00Z", 0));
    assertEquals("malformed_record", customerField(badConsent, RecordParser.REASON));
    // a later rule still rejects a record kept so far, with its own detail
    Row future = parser.parse(RowFactory.create(DAY, "/in/a.csv", 4L,
        "C1,false,1998-06-29T10:00:00,1998-02-01,1998-07-01T10:00:00Z", 0));
    assertEquals("future_timestamp", customerField(future, RecordParser.REASON));
    assertEquals("updated_at 1998-07-01T10:00:00Z is after the run date 1998-06-30",
        customerField(future, RecordParser.DETAIL));
  }

  @Test
  void aFieldTheSourceRequiresStaysStrict() {
    RecordParser parser = new RecordParser(crm(", marketing_consent"), Map.of());
    Row row = parser.parse(RowFactory.create(DAY, "/in/a.csv", 2L,
        "C1,false,1998-06-29T10:00:00,1998-02-01,1998-06-29T10:00:00Z", 0));
    assertEquals("bad_timestamp", customerField(row, RecordParser.REASON));
    assertEquals("consent_updated_at '1998-06-29T10:00:00' is not a timestamp in format iso-offset",
        customerField(row, RecordParser.DETAIL));
    assertNull(customerField(row, "marketing_consent"));
  }
}
