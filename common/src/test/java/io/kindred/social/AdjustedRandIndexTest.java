package io.kindred.social;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AdjustedRandIndexTest {

  @Test
  void splittingOneClusterOfTwoGivesFourSevenths() {
    // Contingency {0:[2,0,0], 1:[0,1,1]}: index 1, rows 2, columns 1, pairs 6 -> expected 1/3, max 3/2:
    // (1 - 1/3) / (3/2 - 1/3) = 4/7 (scikit-learn's documented example gives 0.57...).
    assertEquals(4.0 / 7, AdjustedRandIndex.of(List.of(0, 0, 1, 1), List.of(0, 0, 1, 2)), 1e-15);
  }

  @Test
  void oneClusterAgainstTwoGivesZero() {
    // rows 6, columns 2, index 2, expected 6*2/6 = 2 -> (2 - 2) / (4 - 2) = 0.
    assertEquals(0.0, AdjustedRandIndex.of(List.of(0, 0, 0, 0), List.of(0, 0, 1, 1)), 1e-15);
  }

  @Test
  void identicalUpToRenamingGivesOne() {
    assertEquals(1.0, AdjustedRandIndex.of(List.of(1, 1, 2, 2, 3), List.of("b", "b", "a", "a", "c")), 1e-15);
  }

  @Test
  void theDistributedFormGivesWhatTheListFormGives() {
    List<Integer> first = List.of(0, 0, 0, 1, 1, 2, 2, 2, 2, 3);
    List<String> second = List.of("a", "a", "b", "b", "b", "c", "c", "c", "d", "d");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      rows.add(RowFactory.create(first.get(i), second.get(i)));
    }
    Dataset<Row> items = SharedSpark.session().createDataFrame(rows, new StructType()
        .add("first", DataTypes.IntegerType).add("second", DataTypes.StringType));

    assertEquals(AdjustedRandIndex.of(first, second), AdjustedRandIndex.of(items, "first", "second"), 1e-15);
    assertEquals(1.0, AdjustedRandIndex.of(items, "first", "first"), 1e-15);
  }

  @Test
  void swappedPairsGiveNegativeValue() {
    // Contingency [[1,1],[1,1]]: index 0, rows 2, columns 2, expected 2*2/6 = 2/3, max 2: (0 - 2/3)/(2 - 2/3) = -1/2.
    assertEquals(-0.5, AdjustedRandIndex.of(List.of(0, 0, 1, 1), List.of(0, 1, 0, 1)), 1e-15);
  }
}
