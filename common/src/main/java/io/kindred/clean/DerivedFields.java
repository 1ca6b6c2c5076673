package io.kindred.clean;

import static org.apache.spark.sql.functions.col;

import io.kindred.clean.Feed.Kind;
import io.kindred.lake.SessionConf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Canonical fields a source computes from its own columns with a Spark SQL expression ({@code derived { amount =
 * "Quantity * UnitPrice" }} in a source definition). The expressions are evaluated by Spark in the pass that parses
 * the records ({@link #withDerivedValues}): each line's referenced columns are split out as text, each expression
 * is evaluated over them and cast to its field's type, and {@link RecordParser} takes the results as the fields'
 * values. A result that is null (a blank input, a value that does not convert) is a missing value: a required
 * field's record is quarantined ({@code missing_customer_id} or {@code missing_required_field}, the detail naming
 * the expression).
 *
 * <p>The expressions see every source column as a string and run with Spark's non-ANSI rules, so a value that does
 * not convert gives null (never an error that stops the run). Where exact decimals matter, cast the inputs: {@code
 * "cast(Quantity as int) * cast(UnitPrice as decimal(18,4))"} (string arithmetic is in doubles).
 */
public final class DerivedFields {

  /** Prefix of the columns that carry derived values from Spark to the parser. */
  public static final String COLUMN_PREFIX = "_derived_";
  private static final String LINE_STRUCT = "_kindred_line";

  private DerivedFields() {
  }

  /** Why {@code expression} does not parse as a Spark SQL expression, or null when it does. */
  public static String parseProblem(String expression) {
    try {
      CatalystSqlParser$.MODULE$.parseExpression(expression);
      return null;
    } catch (Exception e) { // a ParseException, thrown unchecked by Scala
      String message = String.valueOf(e.getMessage()).strip();
      int nl = message.indexOf('\n');
      return nl < 0 ? message : message.substring(0, nl);
    }
  }

  /** The source columns {@code expression} refers to, in order of first use. */
  public static List<String> columnsOf(String expression) {
    Set<String> out = new LinkedHashSet<>();
    collect(CatalystSqlParser$.MODULE$.parseExpression(expression), out);
    return List.copyOf(out);
  }

  private static void collect(Expression e, Set<String> out) {
    if (e instanceof UnresolvedAttribute a) {
      out.add(String.join(".", scala.jdk.javaapi.CollectionConverters.asJava(a.nameParts())));
      return;
    }
    for (Expression child : scala.jdk.javaapi.CollectionConverters.asJava(e.children())) {
      collect(child, out);
    }
  }

  /**
   * Per source column the derived fields use, the fields using it (derived expressions and derived-id raw
   * columns), e.g. {@code UnitPrice -> [amount = "Quantity * UnitPrice"]}.
   */
  public static Map<String, List<String>> columnsUsed(SourceDef source) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String field : source.derivedFields()) {
      String expression = source.derived().get(field);
      for (String column : columnsOf(expression)) {
        out.computeIfAbsent(column, c -> new ArrayList<>()).add("derived field " + field + " = \"" + expression
            + "\"");
      }
    }
    for (String column : source.rawIdColumns()) {
      out.computeIfAbsent(column, c -> new ArrayList<>()).add("derived-id.fields");
    }
    return out;
  }

  /** The source columns the derived expressions read, in a stable order. */
  static List<String> expressionColumns(SourceDef source) {
    Set<String> out = new LinkedHashSet<>();
    for (String field : source.derivedFields()) {
      out.addAll(columnsOf(source.derived().get(field)));
    }
    return List.copyOf(out);
  }

  /**
   * {@code lines} ({@link RecordParser#linesSchema()}) with one column per derived field of {@code source}
   * ({@link #COLUMN_PREFIX} + field, of the field's type), in the order of {@link SourceDef#derivedFields()}.
   * Lines that do not split get nulls (the parser quarantines them as malformed).
   *
   * @throws IllegalArgumentException naming the field and the expression when an expression cannot be evaluated
   *     over the source's columns (an unknown function, a type that does not fit), before any data is read
   */
  public static Dataset<Row> withDerivedValues(Dataset<Row> lines, RecordParser parser, SourceDef source) {
    if (source.derived().isEmpty()) {
      return lines;
    }
    List<String> columns = expressionColumns(source);
    StructType lineSchema = RecordParser.linesSchema();
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(LINE_STRUCT, lineSchema, false));
    for (String c : columns) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
    }
    int width = lineSchema.size();
    MapPartitionsFunction<Row, Row> split = rows -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row line = rows.next();
        Object[] out = new Object[1 + columns.size()];
        Object[] lineValues = new Object[width];
        for (int i = 0; i < width; i++) {
          lineValues[i] = line.get(i);
        }
        out[0] = RowFactory.create(lineValues);
        String[] values = parser.sourceValues(line, columns);
        if (values != null) {
          System.arraycopy(values, 0, out, 1, values.length);
        }
        return RowFactory.create(out);
      }
    };
    Dataset<Row> raw = lines.select(Arrays.stream(lineSchema.fieldNames()).map(functions::col)
            .toArray(Column[]::new))
        .mapPartitions(split, Encoders.row(DataTypes.createStructType(fields)));
    List<Column> select = new ArrayList<>();
    select.add(col(LINE_STRUCT + ".*"));
    SparkSession spark = lines.sparkSession();
    // the plan is analysed here, eagerly: its casts and arithmetic keep the non-ANSI mode (null, not an error)
    return SessionConf.with(spark, Map.of("spark.sql.ansi.enabled", "false"), () -> {
      for (String field : source.derivedFields()) {
        String expression = source.derived().get(field);
        Dataset<Row> probe;
        try {
          probe = raw.select(functions.expr(expression).cast(sparkType(source.feed(), field)));
          probe.queryExecution().assertAnalyzed();
        } catch (Exception e) {
          // an AnalysisException (thrown unchecked by Scala): an unknown column or function, a type that does not fit
          throw new IllegalArgumentException("Source " + source.name() + ": derived field " + field + " = \""
              + expression + "\" cannot be computed: " + firstLine(e.getMessage()) + "; source columns read: "
              + columns, e);
        }
        select.add(functions.expr(expression).cast(sparkType(source.feed(), field)).as(COLUMN_PREFIX + field));
      }
      return raw.select(select.toArray(Column[]::new));
    });
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The Spark type a derived field's value is cast to (as the parser types the field). */
  static DataType sparkType(Feed feed, String field) {
    Kind kind = feed.fields().get(feed.indexOf(field)).kind();
    return switch (kind) {
      case STRING -> DataTypes.StringType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DATE -> DataTypes.DateType;
      case DECIMAL -> DataTypes.createDecimalType(38, 10);
      case INTEGER -> DataTypes.IntegerType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }
}
