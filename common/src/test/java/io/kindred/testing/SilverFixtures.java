package io.kindred.testing;

import io.kindred.lake.Tables;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Rows of the silver tables for tests, built with their schema constants. */
public final class SilverFixtures {

  private SilverFixtures() {
  }

  /**
   * A {@code silver/transactions} row: a purchase for a positive amount, a return (negative quantity, naming
   * {@code returned}) for a negative one; timestamp at noon UTC of {@code date}.
   */
  public static Row transaction(String id, String customer, LocalDate date, String amount, LocalDate ingestDay,
      String returned) {
    BigDecimal value = new BigDecimal(amount);
    boolean isReturn = value.signum() < 0;
    return RowFactory.create(id, customer, Timestamp.valueOf(date.atTime(12, 0)), Date.valueOf(date), value,
        value.setScale(4), "USD", BigDecimal.ONE.setScale(8), isReturn ? -1 : 1, null, null, null, isReturn,
        returned, "test", Date.valueOf(ingestDay), "run-test", "hash-" + id);
  }

  /** A transaction delivered on its own date. */
  public static Row transaction(String id, String customer, LocalDate date, String amount) {
    return transaction(id, customer, date, amount, date, null);
  }

  public static Dataset<Row> transactions(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, Tables.SILVER_TRANSACTIONS.schema());
  }
}
