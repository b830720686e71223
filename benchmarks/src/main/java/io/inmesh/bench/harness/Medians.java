package io.inmesh.bench.harness;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians across rounds: one noisy round cannot move a figure. */
final class Medians {

  private Medians() {}

  static <T> double of(List<T> items, ToDoubleFunction<T> value) {
    double[] values = items.stream().mapToDouble(value).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }
}
