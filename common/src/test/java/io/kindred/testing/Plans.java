package io.kindred.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowExecBase;
import scala.runtime.BoxedUnit;

/** Checks on physical plans. */
public final class Plans {

  private Plans() {
  }

  /**
   * The window operators of {@code data}'s executed plan that need all rows in one partition (a window without
   * {@code partitionBy}: Spark logs "No Partition Defined for Window operation"), as their one-line descriptions.
   */
  public static List<String> singlePartitionWindows(Dataset<?> data) {
    List<String> out = new ArrayList<>();
    SparkPlan plan = data.queryExecution().executedPlan();
    plan.foreach(node -> {
      if (node instanceof WindowExecBase w && (w.partitionSpec().isEmpty()
          || w.requiredChildDistribution().contains(AllTuples$.MODULE$))) {
        out.add(node.simpleString(200));
      }
      return BoxedUnit.UNIT;
    });
    return out;
  }
}
