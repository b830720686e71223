package io.inmesh.bench.harness;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The rows of a JMH JSON result file ({@code -rf json}) run with {@code -prof gc}. */
record JmhResults(List<Row> rows) {

  /** One benchmark: time per operation and bytes allocated per operation. */
  record Row(String benchmark, double score, double error, String unit, double bytesPerOp) {}

  static JmhResults read(Path json) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (JsonElement element : JsonParser.parseString(Files.readString(json)).getAsJsonArray()) {
      JsonObject result = element.getAsJsonObject();
      JsonObject primary = result.getAsJsonObject("primaryMetric");
      JsonObject secondary = result.getAsJsonObject("secondaryMetrics");
      JsonObject alloc = secondary == null ? null : secondary.has("gc.alloc.rate.norm")
          ? secondary.getAsJsonObject("gc.alloc.rate.norm")
          : secondary.getAsJsonObject("\u00b7gc.alloc.rate.norm"); // JMH before 1.36
      String name = result.get("benchmark").getAsString();
      rows.add(new Row(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
          primary.get("score").getAsDouble(),
          primary.get("scoreError").isJsonPrimitive()
              ? primary.get("scoreError").getAsDouble() : Double.NaN,
          primary.get("scoreUnit").getAsString(),
          alloc == null ? Double.NaN : alloc.get("score").getAsDouble()));
    }
    return new JmhResults(rows);
  }
}
