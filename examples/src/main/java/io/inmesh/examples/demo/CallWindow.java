package io.inmesh.examples.demo;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/** The outcomes of the last N calls ("v1", "v2", "HTTP 503", "error"), and their shares. */
final class CallWindow {

  private final int size;
  private final ArrayDeque<String> outcomes = new ArrayDeque<>();

  CallWindow(int size) {
    this.size = size;
  }

  void add(String outcome) {
    if (outcomes.size() == size) {
      outcomes.removeFirst();
    }
    outcomes.addLast(outcome);
  }

  /** E.g. {@code v1 81% v2 19% (last 100 calls)}. */
  String split() {
    if (outcomes.isEmpty()) {
      return "no calls yet";
    }
    return shares() + " (last " + outcomes.size() + " calls)";
  }

  /** E.g. {@code v1 81% v2 19%}. */
  String shares() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String outcome : outcomes) {
      counts.merge(outcome, 1, Integer::sum);
    }
    StringBuilder line = new StringBuilder();
    counts.forEach((outcome, count) -> line.append(line.length() == 0 ? "" : " ").append(outcome)
        .append(' ').append(Math.round(100.0 * count / outcomes.size())).append('%'));
    return line.toString();
  }
}
