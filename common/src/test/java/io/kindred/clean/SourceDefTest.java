package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
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
        + "generator-interactions, cdnow] or the path of a source definition file (.conf)", e.getMessage());
  }

  @Test
  void mistakesInADefinitionAreNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("shop.conf");
    Files.writeString(file, "source { name = shop, feed = transactions, layout = single\n"
        + "formats { csv { type = csv } }\n"
        + "columns { customer_id = cust, timestamp = ts, amount = total, colour = c }\n"
        + "time-zone = Mars/Olympus }\n");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceDef.load(file.toString()));

    assertEquals("Source definition " + file + " (feed transactions) is invalid: columns.colour is not a canonical "
        + "field; required field 'transaction_id' is neither mapped (columns) nor a constant; required field "
        + "'currency' is neither mapped (columns) nor a constant; required field 'quantity' is neither mapped "
        + "(columns) nor a constant; required field 'product_id' is neither mapped (columns) nor a constant; "
        + "required field 'category' is neither mapped (columns) nor a constant; required field 'channel' is "
        + "neither mapped (columns) nor a constant; required field 'original_transaction_id' is neither mapped "
        + "(columns) nor a constant; a transactions source needs fx-rates { ... } or a constant currency; "
        + "time-zone 'Mars/Olympus' is not a time zone id (e.g. UTC, Europe/Paris); canonical fields are "
        + "[transaction_id, customer_id, timestamp, amount, currency, quantity, product_id, category, channel, "
        + "original_transaction_id]", e.getMessage());
  }
}
