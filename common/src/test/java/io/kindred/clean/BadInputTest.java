package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Broken input of many kinds through the record parser of the generator's transactions source (the source a
 * delivery in the documented contract uses), without Spark: each line gets its exact reason code and detail, or is
 * accepted with its exact values; none is lost and none throws. The file-level cases (binary files, compressed
 * files, column problems) are pure functions of {@link RawFiles}; the Spark pass over one file holding many of
 * these lines is {@code BadInputCleaningTest} in jobs.
 */
class BadInputTest {

  static final Date DAY = Date.valueOf(LocalDate.of(2026, 3, 1));
  static final String CSV = "/in/2026-03-01/t.csv";
  static final String JSONL = "/in/2026-03-01/t.jsonl";
  static final List<String> HEADER = List.of("transaction_id", "customer_id", "timestamp", "amount", "currency",
      "quantity", "product_id", "category", "channel", "original_transaction_id");
  static final SourceDef SOURCE = SourceDef.load("generator-transactions");

  /** A CSV line of the source with the fields given, in header order. */
  static String csv(String id, String customer, String ts, String amount, String currency, String quantity,
      String product, String category) {
    return String.join(",", id, customer, ts, amount, currency, quantity, product, category, "web", "");
  }

  /** The valid line with one field replaced. */
  static String amount(String amount) {
    return csv("T1", "C1", "2026-03-01T10:00:00Z", amount, "USD", "1", "P1", "music");
  }

  static String quantity(String quantity) {
    return csv("T1", "C1", "2026-03-01T10:00:00Z", "20.00", "USD", quantity, "P1", "music");
  }

  static String category(String category) {
    return csv("T1", "C1", "2026-03-01T10:00:00Z", "20.00", "USD", "1", "P1", category);
  }

  static String timestamp(String ts) {
    return csv("T1", "C1", ts, "20.00", "USD", "1", "P1", "music");
  }

  static Row parse(RecordParser parser, String file, String raw) {
    return parser.parse(RowFactory.create(DAY, file, 7L, raw, 0));
  }

  static Object field(Row row, String name) {
    return row.get(RecordParser.parsedSchema(Feed.TRANSACTIONS).fieldIndex(name));
  }

  static RecordParser parser() {
    return new RecordParser(SOURCE, Map.of(CSV, HEADER));
  }

  /** One broken input and what the parser must say. */
  record Case(String kind, String file, String raw, String reason, String detail) {
  }

  static final String FIELDS = "expected 10 fields " + HEADER + ", got ";
  static final String FORTY_DIGITS = "1234567890123456789012345678901234567890";

  static List<Case> cases() {
    String latin1InUtf8 = new String("T1,C1,2026-03-01T10:00:00Z,20.00,USD,1,P1,caf\u00e9,web,"
        .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    String json = "{\"transaction_id\":%s,\"customer_id\":%s,\"timestamp\":\"2026-03-01T10:00:00Z\","
        + "\"amount\":%s,\"currency\":\"USD\"}";
    return List.of(
        new Case("40-digit amount", CSV, amount(FORTY_DIGITS), "bad_number",
            "amount '" + FORTY_DIGITS + "' is out of range: 40 integer digits, at most 14"),
        // silver/transactions stores original_amount as decimal(18, 4): 14 integer digits, 4 decimal places
        new Case("15-digit amount", CSV, amount("1" + "0".repeat(14) + ".00"), "bad_number",
            "amount '1" + "0".repeat(14) + ".00' is out of range: 15 integer digits, at most 14"),
        new Case("exponent amount", CSV, amount("1e300"), "bad_number", "amount '1e300' is not a number"),
        new Case("JSON 1e300 amount", JSONL, String.format(json, "\"T1\"", "\"C1\"", "1e300"), "bad_number",
            "amount '1" + "0".repeat(56) + "...' is out of range: 301 integer digits, at most 14"),
        new Case("NaN amount", CSV, amount("NaN"), "bad_number", "amount 'NaN' is not a number"),
        new Case("Infinity amount", CSV, amount("-Infinity"), "bad_number", "amount '-Infinity' is not a number"),
        new Case("5 decimal places", CSV, amount("20.12345"), "bad_number",
            "amount '20.12345' has 5 decimal places, at most 4 are stored (not rounded)"),
        new Case("negative zero", CSV, amount("-0.00"), "non_positive_amount", "purchase with amount 0.00"),
        new Case("currency symbol", CSV, amount("$20"), "bad_number", "amount '$20' is not a number"),
        new Case("quoted thousands separator", CSV, amount("\"1,234.00\""), "bad_number",
            "amount '1,234.00' is not a number"),
        new Case("unquoted thousands separator", CSV, amount("1,234.00"), "malformed_record", FIELDS + 11),
        new Case("quantity beyond int", CSV, quantity("99999999999"), "bad_number",
            "quantity '99999999999' is out of range: at most 2147483647 in absolute value"),
        new Case("fractional quantity", CSV, quantity("1.5"), "bad_number", "quantity '1.5' is not a whole number"),
        new Case("Latin-1 bytes in UTF-8", CSV, latin1InUtf8, "bad_encoding",
            "bytes not valid in UTF-8 at character 46 (declare the file's encoding in the source's format, e.g. "
                + "encoding = ISO-8859-1)"),
        new Case("bell character", CSV, category("mu\u0007sic"), "control_character",
            "category holds control character U+0007 at character 3"),
        new Case("NUL in an id", CSV, csv("T1", "C\u00001", "2026-03-01T10:00:00Z", "20.00", "USD", "1", "P1",
            "music"), "control_character", "customer_id holds control character U+0000 at character 2"),
        new Case("DEL character", CSV, category("music\u007f"), "control_character",
            "category holds control character U+007F at character 6"),
        new Case("byte-order mark mid-file", CSV, "\uFEFF" + amount("20.00"), "control_character",
            "transaction_id holds control character U+FEFF at character 1"),
        new Case("field over the limit", CSV, category("x".repeat(4097)), "field_too_long",
            "category is 4097 characters long; at most 4096 (kindred.clean.max-field-length)"),
        new Case("JSON object as id", JSONL, String.format(json, "{\"id\":\"T1\"}", "\"C1\"", "20"), "not_a_scalar",
            "transaction_id (transaction_id) is a JSON object, expected a single value"),
        new Case("JSON array as customer", JSONL, String.format(json, "\"T1\"", "[\"C1\",\"C2\"]", "20"),
            "not_a_scalar", "customer_id (customer_id) is a JSON array, expected a single value"),
        new Case("JSON object as amount", JSONL, String.format(json, "\"T1\"", "\"C1\"", "{\"value\":20}"),
            "not_a_scalar", "amount (amount) is a JSON object, expected a single value"),
        new Case("JSON line that is an array", JSONL, "[1,2]", "malformed_record", "not a JSON object"),
        new Case("truncated last CSV line", CSV, "T1,C1,2026-03-01T10:0", "malformed_record", FIELDS + 3),
        new Case("empty line", CSV, "", "malformed_record", "empty line"),
        new Case("whitespace-only line", JSONL, "   ", "malformed_record", "empty line"),
        new Case("wrong delimiter", CSV, amount("20.00").replace(',', ';'), "malformed_record", FIELDS + 1),
        new Case("unclosed quote", CSV, category("\"rock"), "malformed_record", "unterminated quoted field 8"),
        new Case("stray quote", CSV, category("5\"inch"), "malformed_record", "a quote inside unquoted field 8"),
        new Case("extra trailing delimiter", CSV, amount("20.00") + ",", "malformed_record", FIELDS + 11),
        new Case("whitespace-only customer id", CSV, csv("T1", "   ", "2026-03-01T10:00:00Z", "20.00", "USD", "1",
            "P1", "music"), "missing_customer_id", "customer_id is missing or empty"),
        new Case("whitespace-only transaction id", CSV, csv(" ", "C1", "2026-03-01T10:00:00Z", "20.00", "USD",
            "1", "P1", "music"), "missing_required_field", "required fields missing or empty: [transaction_id]"),
        new Case("far-future timestamp", CSV, timestamp("9999-12-31T23:59:59Z"), "future_timestamp",
            "timestamp 9999-12-31T23:59:59Z is after the run date 2026-03-01"),
        new Case("timestamp without offset", CSV, timestamp("2026-03-01T10:00:00"), "bad_timestamp",
            "timestamp '2026-03-01T10:00:00' is not a timestamp in format iso-offset"),
        new Case("30 February", CSV, timestamp("2026-02-30T10:00:00Z"), "bad_timestamp",
            "timestamp '2026-02-30T10:00:00Z' is not a timestamp in format iso-offset"),
        new Case("return with a positive amount", CSV, quantity("-1"), "malformed_record",
            "a return (quantity -1) with a positive amount 20.00"));
  }

  @Test
  void everyKindOfBrokenLineGetsItsExactReasonAndDetail() {
    RecordParser parser = parser();
    List<Case> cases = cases();
    assertEquals(36, cases.size());
    List<Executable> checks = new ArrayList<>();
    for (Case c : cases) {
      Row row = parse(parser, c.file(), c.raw());
      checks.add(() -> assertEquals(c.reason() + ": " + c.detail(),
          field(row, RecordParser.REASON) + ": " + field(row, RecordParser.DETAIL), c.kind()));
      checks.add(() -> assertNull(field(row, "amount"), c.kind() + ": a quarantined row carries no typed value"));
    }
    assertAll(checks);
    // every reason code the parser gives is a Reason (one home for the codes)
    for (Case c : cases) {
      assertEquals(c.reason(), io.kindred.quality.Reason.ofCode(c.reason()).code());
    }
  }

  @Test
  void oddButValidLinesAreAcceptedWithExactValues() {
    RecordParser parser = parser();
    Row trailingZeros = parse(parser, CSV, amount("20.123400000"));
    assertNull(field(trailingZeros, RecordParser.REASON));
    assertEquals(0, new BigDecimal("20.1234").compareTo((BigDecimal) field(trailingZeros, "amount")));

    Row maxDigits = parse(parser, CSV, amount("9".repeat(14) + ".9999"));
    assertNull(field(maxDigits, RecordParser.DETAIL));
    assertEquals(new BigDecimal("9".repeat(14) + ".9999"), field(maxDigits, "amount"));

    Row preEpoch = parse(parser, CSV, timestamp("1969-12-31T23:59:59Z"));
    assertNull(field(preEpoch, RecordParser.REASON));
    assertEquals(Instant.parse("1969-12-31T23:59:59Z"), ((Timestamp) field(preEpoch, "timestamp")).toInstant());

    Row wholeQuantity = parse(parser, CSV, quantity("2.0"));
    assertEquals(2, field(wholeQuantity, "quantity"));

    // a quoted field with a line break (joined into one record by RawFiles) keeps it; tab is no control character
    Row multiLine = parse(parser, CSV, category("\"rock\nand\troll\""));
    assertNull(field(multiLine, RecordParser.REASON));
    assertEquals("rock\nand\troll", field(multiLine, "category"));

    Row spaced = parse(parser, CSV, amount(" 20.50 "));
    assertEquals(new BigDecimal("20.50"), field(spaced, "amount"));

    // an unknown currency passes the parser upper-cased; the FX join gives it unknown_currency
    Row unknownCurrency = parse(parser, CSV, csv("T1", "C1", "2026-03-01T10:00:00Z", "20.00", "xxx", "1", "P1",
        "music"));
    assertNull(field(unknownCurrency, RecordParser.REASON));
    assertEquals("XXX", field(unknownCurrency, "currency"));

    Row exactlyAtTheLimit = parse(parser, CSV, category("x".repeat(4096)));
    assertNull(field(exactlyAtTheLimit, RecordParser.REASON));
  }

  @Test
  void theFieldLengthLimitIsConfigurable() {
    RecordParser parser = parser().withMaxFieldLength(25);
    assertNull(field(parse(parser, CSV, category("x".repeat(25))), RecordParser.REASON));
    Row row = parse(parser, CSV, category("x".repeat(26)));
    assertEquals("field_too_long", field(row, RecordParser.REASON));
    assertEquals("category is 26 characters long; at most 25 (kindred.clean.max-field-length)",
        field(row, RecordParser.DETAIL));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parser().withMaxFieldLength(0));
    assertEquals("kindred.clean.max-field-length must be at least 1, got 0", e.getMessage());
  }

  @Test
  void binaryContentIsNamedForWhatItIs() {
    assertEquals("gzip-compressed data", RawFiles.binaryKind(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4));
    assertEquals("a zip archive", RawFiles.binaryKind("PK\u0003\u0004rest".getBytes(StandardCharsets.ISO_8859_1), 8));
    assertEquals("bzip2-compressed data", RawFiles.binaryKind("BZh91AY".getBytes(StandardCharsets.US_ASCII), 7));
    assertEquals("Parquet data", RawFiles.binaryKind("PAR1xxxx".getBytes(StandardCharsets.US_ASCII), 8));
    assertEquals("binary data (a NUL byte at byte 3)", RawFiles.binaryKind(new byte[] {'a', 'b', 0, 'c'}, 4));
    assertNull(RawFiles.binaryKind("transaction_id,customer_id\n".getBytes(StandardCharsets.UTF_8), 27));
    assertNull(RawFiles.binaryKind("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), 4), "Latin-1 text is text");
    assertNull(RawFiles.binaryKind(new byte[0], 0), "an empty file is text");
  }

  @Test
  void compressedFilesAreReadInTheirInnerFormat() {
    assertEquals("csv", RawFiles.extensionOf("/raw/2026-03-01/t.csv.gz"));
    assertEquals("jsonl", RawFiles.extensionOf("/raw/2026-03-01/T.JSONL.GZ"));
    assertEquals("csv", RawFiles.extensionOf("/raw/2026-03-01/t.csv"));
    assertEquals("", RawFiles.extensionOf("/raw/2026-03-01/README"));
    assertEquals("", RawFiles.extensionOf("/raw/2026-03-01/t.gz"));
    assertEquals(SOURCE.formats().get("csv"), RecordParser.formatOf(SOURCE, "/raw/2026-03-01/t.csv.gz"));
  }

  @Test
  void aRenamedOptionalColumnIsNamedAnExpectedOneAndARepeatedMappedColumnFail() {
    List<String> renamed = List.of("transaction_id", "customer_id", "timestamp", "amount", "currency", "quantity",
        "product_id", "product_category", "channel", "original_transaction_id");
    assertEquals(List.of("category"), RawFiles.missingOptionalColumns(SOURCE, renamed));
    assertEquals(List.of(), RawFiles.missingOptionalColumns(SOURCE, HEADER));

    Set<String> extra = new java.util.TreeSet<>();
    RawFiles.checkColumns(SOURCE, "/in/a.csv", renamed, extra);
    assertEquals(Set.of("product_category"), extra);

    SourceDef expecting = SourceDef.fromConfig(com.typesafe.config.ConfigFactory.parseString(
        "name = shop, feed = transactions, layout = single\n"
            + "formats { csv { type = csv } }\n"
            + "columns { transaction_id = id, customer_id = c, timestamp = t, amount = a, category = cat }\n"
            + "constants { currency = GBP }\n"
            + "optional = [quantity, product_id, category, channel, original_transaction_id]\n"
            + "expected = [category]"), "test");
    List<String> withoutCat = List.of("id", "c", "t", "a", "kategorie");
    IllegalArgumentException noCategory = assertThrows(IllegalArgumentException.class,
        () -> RawFiles.checkColumns(expecting, "/in/b.csv", withoutCat, new java.util.HashSet<>()));
    assertEquals("File /in/b.csv lacks expected column cat (category) of source shop (optional, but listed in "
        + "expected); columns found: [id, c, t, a, kategorie]", noCategory.getMessage());
    RawFiles.checkColumns(expecting, "/in/c.csv", List.of("id", "c", "t", "a", "cat"), new java.util.HashSet<>());
    IllegalArgumentException notOptional = assertThrows(IllegalArgumentException.class,
        () -> SourceDef.fromConfig(com.typesafe.config.ConfigFactory.parseString(
            "name = shop, feed = transactions, formats { csv { type = csv } }\n"
                + "columns { transaction_id = id, customer_id = c, timestamp = t, amount = a }\n"
                + "constants { currency = GBP }, optional = [quantity, product_id, category, channel, "
                + "original_transaction_id]\nexpected = [amount, channel]"), "shop.conf"));
    assertEquals("Source definition shop.conf (feed transactions) is invalid: expected lists 'amount', which is not "
        + "an optional field mapped in columns; expected lists 'channel', which is not an optional field mapped in "
        + "columns; canonical fields are " + Feed.TRANSACTIONS.fieldNames(), notOptional.getMessage());

    List<String> twice = new ArrayList<>(HEADER);
    twice.add("category");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RawFiles.checkColumns(SOURCE, "/in/a.csv", twice, new java.util.HashSet<>()));
    assertEquals("File /in/a.csv has column category more than once (source generator-transactions maps it, so "
        + "which one to read is ambiguous); columns found: " + twice, e.getMessage());
  }
}
