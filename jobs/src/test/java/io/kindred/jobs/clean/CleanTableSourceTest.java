package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.ops.RunMetrics;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source that delivers a Delta table, through a user-written source definition. */
class CleanTableSourceTest {

  @TempDir
  Path dir;

  @Test
  void aDeltaTableIsCleanedThroughItsSourceDefinition() throws Exception {
    CleanHarness h = new CleanHarness(dir);
    StructType schema = new StructType()
        .add("id", DataTypes.StringType).add("cust", DataTypes.StringType).add("ts", DataTypes.TimestampType)
        .add("total", DataTypes.createDecimalType(10, 2)).add("qty", DataTypes.IntegerType)
        .add("note", DataTypes.StringType);
    Path table = dir.resolve("shop/orders");
    h.spark.createDataFrame(List.of(
        RowFactory.create("X1", "C1", Timestamp.from(Instant.parse("2026-03-01T10:00:00Z")), new BigDecimal("19.99"),
            2, "gift"),
        RowFactory.create("X2", "C2", Timestamp.from(Instant.parse("2026-03-01T11:30:00Z")), new BigDecimal("5.00"),
            1, null),
        RowFactory.create("X3", null, Timestamp.from(Instant.parse("2026-03-01T12:00:00Z")), new BigDecimal("7.00"),
            1, null)), schema).write().format("delta").save(table.toString());
    Path source = dir.resolve("shop.conf");
    Files.writeString(source, "source {\n  name = shop\n  feed = transactions\n  layout = single\n"
        + "  formats { delta { type = delta } }\n"
        + "  columns { transaction_id = id, customer_id = cust, timestamp = ts, amount = total, quantity = qty }\n"
        + "  constants { currency = USD }\n"
        + "  optional = [product_id, category, channel, original_transaction_id]\n"
        + "  timestamp-format = iso\n}\n");

    RunMetrics metrics = h.clean(Feed.TRANSACTIONS, source.toString(), table, LocalDate.of(2026, 3, 1),
        LocalDate.of(2026, 3, 1));

    assertEquals(3, metrics.rowsIn());
    assertEquals(Map.of("missing_customer_id", 1L), metrics.quarantinedByReason());
    assertEquals("note", metrics.details().get("extra_columns_ignored"));
    assertEquals(List.of("X1|C1|2026-03-01T10:00:00Z|19.99|2|USD|shop", "X2|C2|2026-03-01T11:30:00Z|5.00|1|USD|shop"),
        rows(h.table(Tables.SILVER_TRANSACTIONS), "transaction_id", "customer_id", "transaction_ts", "amount",
            "quantity", "original_currency", "source"));
    assertEquals(List.of("missing_customer_id|X3|true"), rows(h.table(Tables.QUARANTINE_TRANSACTIONS)
            .selectExpr(QuarantineColumns.REASON, QuarantineColumns.RECORD_ID,
                "raw LIKE '{\"id\":\"X3\",\"ts\":\"2026-03-01T12:00:00%' AS raw_is_the_row"),
        QuarantineColumns.REASON, QuarantineColumns.RECORD_ID, "raw_is_the_row"));
  }
}
