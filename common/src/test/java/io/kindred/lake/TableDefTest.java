package io.kindred.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableDefTest {

  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("amount", DataTypes.createDecimalType(18, 2), true)
      .add("day", DataTypes.DateType, true);

  private static final TableDef TABLE = new TableDef(Layer.SILVER, "things", SCHEMA, List.of("day"), "Things.");

  @Test
  void partitionColumnMustBeInTheSchema() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TableDef(Layer.GOLD, "x", SCHEMA, List.of("month"), "X."));

    assertEquals("Partition column 'month' of table gold/x is not in its schema [id, amount, day]", e.getMessage());
  }

  @Test
  void statisticsColumnsMustBeInTheSchemaAndAreSetWhenTheTableIsCreatedOrWasCreatedWithout(@TempDir Path root) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TABLE.withStatsColumns("id", "month"));
    assertEquals("Statistics column 'month' of table silver/things is not in its schema [id, amount, day]",
        e.getMessage());
    TableDef flags = new TableDef(Layer.SILVER, "flags", new StructType().add("flag", DataTypes.BooleanType),
        List.of(), "Flags.");
    e = assertThrows(IllegalArgumentException.class, () -> flags.withStatsColumns("flag"));
    assertEquals("Statistics column 'flag' of table silver/flags is of type boolean: Delta keeps statistics of "
        + "numbers, dates, times and strings only", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TABLE.withStatsColumns("day"));
    assertEquals("Statistics column 'day' of table silver/things is a partition column: Delta prunes those by their "
        + "values and keeps no statistics on them", e.getMessage());

    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(root));
    lake.createIfNotExists(spark, TABLE.withStatsColumns("id"));
    lake.createIfNotExists(spark, TABLE.withStatsColumns("id"));
    io.delta.tables.DeltaTable table = io.delta.tables.DeltaTable.forPath(spark, lake.location(TABLE).uri());
    assertEquals("id", table.detail().select("properties").first().getJavaMap(0)
        .get("delta.dataSkippingStatsColumns"));
    assertEquals(1, table.history().count(), "the second call finds the property set and commits nothing");

    // a table created before its statistics columns were chosen gets them in one metadata commit
    TableDef older = new TableDef(Layer.SILVER, "older", SCHEMA, List.of("day"), "Older things.");
    lake.createIfNotExists(spark, older);
    lake.createIfNotExists(spark, older.withStatsColumns("id", "amount"));
    io.delta.tables.DeltaTable upgraded = io.delta.tables.DeltaTable.forPath(spark, lake.location(older).uri());
    assertEquals("id,amount", upgraded.detail().select("properties").first().getJavaMap(0)
        .get("delta.dataSkippingStatsColumns"));
    assertEquals(List.of("SET TBLPROPERTIES", "CREATE TABLE"), upgraded.history().select("operation")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(List.of("ingest_day", "transaction_ts"), Tables.SILVER_TRANSACTIONS.statsColumns());
  }

  @Test
  void personalColumnsNeverEnterTheDeltaLog(@TempDir Path root) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TABLE.withStatsColumns("id").withIdColumns("id"));
    assertEquals("Personal column 'id' of table silver/things is a statistics column: its values would enter the "
        + "Delta log, which forget cannot erase", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TABLE.withPersonalColumns("email"));
    assertEquals("Personal column 'email' of table silver/things is not in its schema [id, amount, day]",
        e.getMessage());
    for (TableDef table : Tables.all()) {
      for (String column : table.idColumns()) {
        assertTrue(!table.statsColumns().contains(column), table.relativePath() + "." + column);
      }
    }

    // a table with personal data and no statistics columns named keeps no statistics at all, even one that had them
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(root));
    lake.createIfNotExists(spark, TABLE.withStatsColumns("id"));
    lake.createIfNotExists(spark, TABLE.withIdColumns("id"));
    io.delta.tables.DeltaTable table = io.delta.tables.DeltaTable.forPath(spark, lake.location(TABLE).uri());
    java.util.Map<String, String> properties = table.detail().select("properties").first().getJavaMap(0);
    assertEquals("0", properties.get("delta.dataSkippingNumIndexedCols"));
    assertEquals(null, properties.get("delta.dataSkippingStatsColumns"));
    spark.createDataFrame(List.of(RowFactory.create("C00000042", new java.math.BigDecimal("1.50"),
        java.sql.Date.valueOf("2026-01-02"))), SCHEMA).write().format("delta").mode("append")
        .save(lake.location(TABLE).uri());
    String log = spark.read().text(lake.location(TABLE).uri() + "/_delta_log/*.json").collectAsList().toString();
    assertTrue(log.contains("numRecords"), log);
    assertTrue(!log.contains("C00000042"), log);

    // a VACUUM deletes the files a DELETE left, commits nothing (the version stays), and leaves the session's settings
    long version = lake.version(spark, TABLE);
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String logging = "spark.databricks.delta.vacuum.logging.enabled";
    scala.Option<String> checkBefore = spark.conf().getOption(check);
    scala.Option<String> loggingBefore = spark.conf().getOption(logging);
    io.delta.tables.DeltaTable.forPath(spark, lake.location(TABLE).uri()).delete();
    java.nio.file.Path data = root.resolve("silver/things/day=2026-01-02");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(data)) {
      assertEquals(1, files.filter(f -> f.toString().endsWith(".parquet")).count());
    } catch (java.io.IOException io) {
      throw new java.io.UncheckedIOException(io);
    }
    TableDef absent = new TableDef(Layer.GOLD, "absent", SCHEMA, List.of("day"), "Not written yet.");
    assertEquals(List.of(TABLE), lake.vacuum(spark, List.of(TABLE, absent), 0), "the tables that exist");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(data)) {
      assertEquals(0, files.filter(f -> f.toString().endsWith(".parquet")).count());
    } catch (java.io.IOException io) {
      throw new java.io.UncheckedIOException(io);
    }
    assertEquals(version + 1, lake.version(spark, TABLE), "the DELETE's commit only");
    assertEquals(checkBefore, spark.conf().getOption(check));
    assertEquals(loggingBefore, spark.conf().getOption(logging));
  }

  @Test
  void schemaCheckNamesMissingExtraAndMistypedColumns() {
    SparkSession spark = SharedSpark.session();
    StructType drifted = new StructType()
        .add("id", DataTypes.StringType)
        .add("amount", DataTypes.DoubleType)
        .add("colour", DataTypes.StringType);
    Dataset<Row> data = spark.createDataFrame(List.<Row>of(), drifted);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TABLE.requireSchemaOf(data));

    assertEquals("Data for table silver/things does not match its schema: missing columns [day]; unexpected "
        + "columns [colour]; amount is double, expected decimal(18,2); columns present: id, amount, colour",
        e.getMessage());
  }

  @Test
  void createIfNotExistsMakesAnEmptyPartitionedTable(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));

    lake.createIfNotExists(spark, TABLE);
    lake.createIfNotExists(spark, TABLE);

    assertTrue(lake.exists(spark, TABLE));
    Dataset<Row> read = lake.read(spark, TABLE);
    assertEquals(0, read.count());
    TABLE.requireSchemaOf(read);
    List<Row> partitions = spark.sql("DESCRIBE DETAIL delta.`" + lake.location(TABLE).uri() + "`")
        .select("partitionColumns").collectAsList();
    assertEquals(List.of("day"), partitions.get(0).getList(0));
    spark.createDataFrame(List.of(RowFactory.create("a", new java.math.BigDecimal("1.50"),
        java.sql.Date.valueOf("2026-01-02"))), SCHEMA).write().format("delta").mode("append")
        .save(lake.location(TABLE).uri());
    assertEquals(1, lake.read(spark, TABLE).count());
  }

  @Test
  void readingAMissingTableSaysWhichStageToRun(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> lake.read(spark, TABLE));

    assertEquals("Table silver/things does not exist at " + lake.location(TABLE)
        + "; run the stage that writes it first", e.getMessage());
  }

  @Test
  void noTableKeepsStatisticsOfPersonalColumnsInItsDeltaLog() {
    // Delta records the min and max of each statistics column of each file in its log, which outlives the files:
    // a table holding e-mails, phones or raw input lines names the columns it keeps statistics of, without those
    java.util.Set<String> personal = java.util.Set.of("email", "phone", "email_sha256", "phone_sha256", "raw",
        "detail");
    List<String> holders = new java.util.ArrayList<>();
    for (TableDef table : Tables.all()) {
      List<String> held = java.util.Arrays.stream(table.schema().fieldNames()).filter(personal::contains).toList();
      if (!held.isEmpty()) {
        holders.add(table.relativePath());
        assertTrue(!table.statsColumns().isEmpty(), table.relativePath() + " holds " + held
            + " and keeps Delta's default statistics (the first 32 columns)");
        assertTrue(table.statsColumns().stream().noneMatch(personal::contains), table.relativePath()
            + " keeps statistics of " + table.statsColumns());
      }
    }
    assertEquals(List.of("silver/customers", "quarantine/customers", "quarantine/transactions",
        "quarantine/interactions", "gold/audiences"), holders);
  }

  @Test
  void everyTableCanBeCreatedWithItsProperties(@TempDir Path root) {
    // Delta checks the statistics columns only when a table is created: create each one
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(root));
    for (TableDef table : Tables.all()) {
      lake.createIfNotExists(spark, table);
      assertTrue(lake.exists(spark, table), table.relativePath());
    }
  }
}
