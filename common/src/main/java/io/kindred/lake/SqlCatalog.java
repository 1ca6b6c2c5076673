package io.kindred.lake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkSqlParser;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Kindred's tables under plain SQL names, for {@code kindred sql}, notebooks and reports: a silver, gold or ops table
 * by its folder name ({@code customer_features}, {@code run_metrics}), a quarantine table as
 * {@code quarantine_<name>}. A table with an {@code as_of} column holds one snapshot per night: its plain name shows
 * the latest night, {@code <name>_history} every night.
 */
public final class SqlCatalog {

  /** The column of a nightly snapshot's date. */
  public static final String AS_OF = "as_of";
  /** The suffix of a snapshot table's every-night view. */
  public static final String HISTORY = "_history";

  /**
   * One name in the catalogue.
   *
   * @param name the SQL name
   * @param table the Kindred table behind it
   * @param latestOnly whether the name shows only the rows of the latest {@code as_of}
   */
  public record Entry(String name, TableDef table, boolean latestOnly) {

    /** What the name shows, in one line. */
    public String description() {
      if (latestOnly) {
        return table.description() + " Latest night only; every night: " + name + HISTORY + ".";
      }
      return table.description();
    }
  }

  private SqlCatalog() {
  }

  /** Every name the catalogue gives, whether the table exists yet or not, in the nightly order of the tables. */
  public static List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (TableDef table : Tables.all()) {
      String name = (table.layer() == Layer.QUARANTINE ? "quarantine_" : "") + table.name();
      boolean snapshot = Arrays.asList(table.schema().fieldNames()).contains(AS_OF);
      out.add(new Entry(name, table, snapshot));
      if (snapshot) {
        out.add(new Entry(name + HISTORY, table, false));
      }
    }
    return out;
  }

  /**
   * Registers a temporary view for every name whose table exists below {@code lake}; nothing is read until a query
   * runs.
   *
   * @return the names registered
   */
  public static List<Entry> register(SparkSession spark, Lakehouse lake) {
    return register(spark, lake, null);
  }

  /**
   * Registers the names among {@code wanted} (all when null) whose tables exist, as {@link #register(SparkSession,
   * Lakehouse)} does; a name's table log is read only when it is wanted.
   */
  public static List<Entry> register(SparkSession spark, Lakehouse lake, java.util.Set<String> wanted) {
    List<Entry> registered = new ArrayList<>();
    for (Entry entry : entries()) {
      boolean snapshotWanted = entry.latestOnly() && wanted != null && wanted.contains(entry.name() + HISTORY);
      if (wanted != null && !wanted.contains(entry.name()) && !snapshotWanted) {
        continue;
      }
      if (!lake.exists(spark, entry.table())) {
        continue;
      }
      if (entry.latestOnly()) {
        // the every-night view first (its own entry comes next and registers the same), then the latest night
        String history = entry.name() + HISTORY;
        lake.read(spark, entry.table()).createOrReplaceTempView(history);
        spark.sql("SELECT * FROM " + history + " WHERE " + AS_OF + " = (SELECT max(" + AS_OF + ") FROM " + history
            + ")").createOrReplaceTempView(entry.name());
      } else {
        lake.read(spark, entry.table()).createOrReplaceTempView(entry.name());
      }
      registered.add(entry);
    }
    return registered;
  }

  /**
   * Fails unless {@code sql} is one statement that only reads: a query ({@code SELECT}, {@code WITH}, {@code VALUES},
   * {@code TABLE}, {@code FROM}) or {@code SHOW}, {@code DESCRIBE} or {@code EXPLAIN} of one. Checked on Spark's own
   * parse of the text, before anything runs, so a write hidden in a CTE or after a comment is found too.
   *
   * @throws IllegalArgumentException naming the statement that would change something, or the parse error
   */
  public static void requireReadOnly(String sql) {
    LogicalPlan plan;
    try {
      plan = new SparkSqlParser().parsePlan(sql);
    } catch (Exception e) {
      // Spark's ParseException, unchecked in Scala; its message shows the query with a caret at the error
      String message = e instanceof ParseException parse ? parse.getMessage() : String.valueOf(e.getMessage());
      throw new IllegalArgumentException("The query does not parse: " + message.strip(), e);
    }
    String refused = firstWrite(plan);
    if (refused != null) {
      throw new IllegalArgumentException("Refused: " + refused + " would change the lakehouse or the session; "
          + "kindred sql only reads (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN). Nothing was run.");
    }
  }

  /**
   * The table names {@code sql} reads (lower case; qualified names by their last part), so that only their tables
   * are registered.
   */
  public static java.util.Set<String> namesReadBy(String sql) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    collectRelations(new SparkSqlParser().parsePlan(sql), names);
    return names;
  }

  private static void collectRelations(LogicalPlan plan, java.util.Set<String> names) {
    if (plan instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedRelation relation) {
      List<String> parts = CollectionConverters.asJava(relation.multipartIdentifier());
      names.add(parts.get(parts.size() - 1).toLowerCase(Locale.ROOT));
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      collectRelations(child, names);
    }
    // subqueries in expressions (IN (SELECT ...), scalar subqueries) and a WITH's definitions hold plans of their own
    for (LogicalPlan sub : CollectionConverters.asJava(plan.subqueries())) {
      collectRelations(sub, names);
    }
    for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
      if (inner instanceof LogicalPlan innerPlan) {
        collectRelations(innerPlan, names);
      }
    }
  }

  /** The first node of {@code plan} that is a command other than a read-only one, or null. */
  private static String firstWrite(LogicalPlan plan) {
    String kind = plan.getClass().getSimpleName();
    if (plan instanceof InsertIntoStatement) {
      return "INSERT";
    }
    if (plan instanceof Command && !READ_ONLY_COMMANDS.stream().anyMatch(kind::startsWith)) {
      return statementName(kind);
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      String found = firstWrite(child);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** Commands that only read or describe (Spark's plan node names start with these). */
  private static final List<String> READ_ONLY_COMMANDS = List.of("Show", "Describe", "Explain");

  /** {@code DropTable} -> {@code DROP TABLE}, {@code SetCommand} -> {@code SET}. */
  private static String statementName(String kind) {
    String base = kind.replaceAll("(Command|Statement|Exec)$", "");
    return base.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
  }
}
