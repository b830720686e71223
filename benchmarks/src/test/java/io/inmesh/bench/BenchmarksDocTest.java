package io.inmesh.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inmesh.bench.harness.BenchmarksDoc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksDocTest {

  @TempDir
  Path dir;

  @Test
  void replacesOnlyTheGeneratedBlockAndAppendsAMissingOne() throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    Files.writeString(file, "# Benchmarks\nhand written\n<!-- bench/run:a -->\nold\n"
        + "<!-- /bench/run:a -->\nkept\n");
    BenchmarksDoc doc = new BenchmarksDoc(file);
    doc.replace("a", "new\n");
    doc.replace("b", "appended");
    assertEquals("# Benchmarks\nhand written\n<!-- bench/run:a -->\nnew\n<!-- /bench/run:a -->\n"
        + "kept\n\n<!-- bench/run:b -->\nappended\n<!-- /bench/run:b -->\n",
        Files.readString(file));
  }
}
