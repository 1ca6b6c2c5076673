package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceDefTest {

  @Test
  void everyShippedSourceLoads() {
    for (String name : SourceDef.BUILT_IN) {
      SourceDef source = SourceDef.load(name);
      assertEquals(name, source.name());
    }
    SourceDef cdnow = SourceDef.load("cdnow");
    assertEquals(Feed.TRANSACTIONS, cdnow.feed());
    assertEquals(SourceDef.Layout.SINGLE, cdnow.layout());
    assertEquals(Set.of("customer_id", "timestamp", "amount", "currency", "quantity"), cdnow.required());
    assertEquals("../fx_rates", SourceDef.load("generator-transactions").fxInput());
  }

  @Test
  void anUnknownSourceNamesTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceDef.load("acme"));
    assertEquals("Unknown source 'acme'; expected a built-in source [generator-transactions, generator-customers, "
        + "generator-interactions, cdnow, invoice-lines] or the path of a source definition file (.conf)",
        e.getMessage());
  }

  @Test
  void mistakesInADefinitionAreNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("shop.conf");
    Files.writeString(file, "source { name = shop, feed = transactions, layout = single\n"
        + "formats { csv { type = csv } }\n"
        + "columns { customer_id = cust, timestamp = ts, amount = total, colour = c }\n"
        + "time-zone = Mars/Olympus }\n");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceDef.load(file.toString()));

    String notMapped = " is neither mapped (columns), derived nor a constant";
    assertEquals("Source definition " + file + " (feed transactions) is invalid: columns.colour is not a canonical "
        + "field; required field 'transaction_id'" + notMapped + "; required field 'currency'" + notMapped
        + "; required field 'quantity'" + notMapped + "; required field 'product_id'" + notMapped
        + "; required field 'category'" + notMapped + "; required field 'channel'" + notMapped
        + "; required field 'original_transaction_id'" + notMapped + "; a transactions source needs fx-rates { ... } "
        + "or a constant currency (the reporting currency, kindred.reporting-currency); time-zone 'Mars/Olympus' is "
        + "not a time zone id (e.g. UTC, Europe/Paris); canonical fields are [transaction_id, customer_id, "
        + "timestamp, amount, currency, quantity, product_id, category, channel, original_transaction_id]",
        e.getMessage());
  }

  @Test
  void derivedFieldsRatesAndFormatsAreChecked(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("shop.conf");
    Files.writeString(file, "source { name = shop, feed = transactions, layout = single\n"
        + "formats { csv { type = csv } }\n"
        + "columns { timestamp = ts, quantity = q, product_id = p, customer_id = c }\n"
        + "derived { amount = \"q * (price\", customer_id = \"trim(c)\", colour = \"upper(x)\" }\n"
        + "constants { currency = GBP }\n"
        + "optional = [category, channel, original_transaction_id]\n"
        + "timestamp-format = epoch-minutes\n"
        + "derived-id { fields = [InvoiceNo, product_id] }\n"
        + "max-quarantine-rate = 1.5 }\n");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceDef.load(file.toString()));

    assertEquals("Source definition " + file + ": max-quarantine-rate must be a rate in [0, 1], got 1.5",
        e.getMessage());
    Files.writeString(file, Files.readString(file).replace("max-quarantine-rate = 1.5", "max-quarantine-rate = 0.3"));
    e = assertThrows(IllegalArgumentException.class, () -> SourceDef.load(file.toString()));
    String message = e.getMessage();
    String expectedStart = "Source definition " + file + " (feed transactions) is invalid: derived.customer_id is "
        + "also mapped (columns); derived.amount = \"q * (price\" is not a Spark SQL expression: ";
    assertEquals(expectedStart, message.substring(0, Math.min(message.length(), expectedStart.length())), message);
    String expectedEnd = "; derived.colour is not a canonical field; "
        + "timestamp-format 'epoch-minutes' is neither one of [iso-offset, iso, epoch-seconds, epoch-millis] nor a "
        + "java.time pattern (Unknown pattern letter: o); canonical fields are [transaction_id, customer_id, "
        + "timestamp, amount, currency, quantity, product_id, category, channel, original_transaction_id]";
    assertEquals(expectedEnd, message.substring(Math.max(0, message.length() - expectedEnd.length())), message);
  }

  @Test
  void theInvoiceLineSourceDerivesItsFieldsFromRawColumns() {
    SourceDef source = SourceDef.load("invoice-lines");
    assertEquals(List.of("customer_id", "amount"), source.derivedFields());
    assertEquals(List.of("InvoiceNo", "StockCode", "Quantity", "UnitPrice"), source.rawIdColumns());
    assertEquals(0.3, source.maxQuarantineRate());
    assertEquals(Set.of("customer_id", "timestamp", "amount", "currency", "quantity", "product_id"),
        source.required());
    assertEquals(Map.of("CustomerID", List.of("derived field customer_id = \"cast(cast(CustomerID as double) as "
            + "bigint)\""),
        "Quantity", List.of("derived field amount = \"cast(Quantity as int) * cast(UnitPrice as decimal(18,4))\"",
            "derived-id.fields"),
        "UnitPrice", List.of("derived field amount = \"cast(Quantity as int) * cast(UnitPrice as decimal(18,4))\"",
            "derived-id.fields"),
        "InvoiceNo", List.of("derived-id.fields"), "StockCode", List.of("derived-id.fields")),
        DerivedFields.columnsUsed(source));
    assertEquals(null, SourceDef.load("cdnow").maxQuarantineRate());
  }
}
