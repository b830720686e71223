package io.inmesh.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites the generated blocks of docs/BENCHMARKS.md, each between
 * {@code <!-- bench/run:NAME -->} and {@code <!-- /bench/run:NAME -->}, and leaves everything else
 * (the hand-written start-up section) as it is. A block missing from the file is appended.
 */
public final class BenchmarksDoc {

  private final Path file;

  public BenchmarksDoc(Path file) {
    this.file = file;
  }

  public void replace(String name, String content) throws IOException {
    String doc = Files.readString(file);
    String start = "<!-- bench/run:" + name + " -->";
    String end = "<!-- /bench/run:" + name + " -->";
    String block = start + "\n" + content.stripTrailing() + "\n" + end;
    int s = doc.indexOf(start);
    int e = doc.indexOf(end);
    if (s >= 0 && e > s) {
      doc = doc.substring(0, s) + block + doc.substring(e + end.length());
    } else {
      doc = doc.stripTrailing() + "\n\n" + block + "\n";
    }
    Files.writeString(file, doc);
  }
}
