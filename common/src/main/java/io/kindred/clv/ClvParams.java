package io.kindred.clv;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fitted parameters of one of the CLV models: a name for the model and named values, in a fixed order. */
public interface ClvParams extends Serializable {

  /**
   * The model's name as recorded in {@code gold/clv_models}: {@code bg_nbd}, {@code mbg_nbd}, {@code pareto_nbd},
   * {@code gamma_gamma}.
   */
  String modelName();

  /** Parameter names, in the order of {@link #values()}. */
  List<String> parameterNames();

  /** Parameter values. */
  double[] values();

  /** Names to values, in order. */
  default Map<String, Double> asMap() {
    Map<String, Double> out = new LinkedHashMap<>();
    double[] v = values();
    List<String> names = parameterNames();
    for (int i = 0; i < v.length; i++) {
      out.put(names.get(i), v[i]);
    }
    return out;
  }

  /** Fails with the name and value of the first parameter that is not a finite number > 0. */
  static void requirePositive(String model, String[] names, double... values) {
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] > 0) || !Double.isFinite(values[i])) {
        throw new IllegalArgumentException(model + " parameter " + names[i] + " must be a finite number > 0, got "
            + values[i]);
      }
    }
  }
}
