package io.kindred.lake;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;

/** A value as a literal column of a table column's type, for Delta UPDATE sets: maps and lists included. */
public final class Literals {

  private Literals() {
  }

  /**
   * {@code value} as a literal of {@code type}: a Java or Scala map as {@code map(k1, v1, ...)}, a Java list as
   * {@code array(...)}, anything else as {@code lit(value)}; cast to {@code type} (an empty map or list takes its
   * element types from it).
   */
  public static Column of(Object value, DataType type) {
    Column literal;
    if (value instanceof scala.collection.Map<?, ?> scalaMap) {
      literal = mapOf(scala.jdk.javaapi.CollectionConverters.asJava(scalaMap));
    } else if (value instanceof java.util.Map<?, ?> javaMap) {
      literal = mapOf(javaMap);
    } else if (value instanceof List<?> list) {
      literal = array(list.stream().map(e -> lit(e)).toArray(Column[]::new));
    } else {
      literal = lit(value);
    }
    return literal.cast(type);
  }

  private static Column mapOf(java.util.Map<?, ?> entries) {
    List<Column> keysAndValues = new ArrayList<>();
    entries.forEach((k, v) -> {
      keysAndValues.add(lit(k));
      keysAndValues.add(lit(v));
    });
    return map(keysAndValues.toArray(Column[]::new));
  }
}
