package io.inmesh.bench.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the agent's own CPU goes, from a flight recording of the app: the share of execution
 * samples ({@code jdk.ExecutionSample}, what {@code jfr print --events jdk.ExecutionSample} lists)
 * that have an agent frame on their stack, the agent methods those samples are in (the innermost
 * agent frame), and their leaf frames.
 */
public record HotFrames(int samples, int agentSamples, List<Count> agentMethods,
    List<Count> agentLeaves, List<Count> allLeaves) {

  /** A frame and how many samples it was seen in. */
  public record Count(String frame, int samples) {}

  private static final String AGENT = "io.inmesh.";
  private static final String HARNESS = "io.inmesh.bench.";

  public static HotFrames of(Path recording, int top) throws IOException {
    Map<String, Integer> agentMethods = new HashMap<>();
    Map<String, Integer> agentLeaves = new HashMap<>();
    Map<String, Integer> allLeaves = new HashMap<>();
    int samples = 0;
    int agentSamples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      samples++;
      String leaf = name(stack.getFrames().get(0));
      allLeaves.merge(leaf, 1, Integer::sum);
      for (RecordedFrame frame : stack.getFrames()) {
        String type = frame.getMethod().getType().getName();
        if (type.startsWith(AGENT) && !type.startsWith(HARNESS)) {
          agentSamples++;
          agentMethods.merge(name(frame), 1, Integer::sum);
          agentLeaves.merge(leaf, 1, Integer::sum);
          break;
        }
      }
    }
    return new HotFrames(samples, agentSamples, top(agentMethods, top), top(agentLeaves, top),
        top(allLeaves, top));
  }

  private static String name(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName()
        + " (" + packageOf(type) + ")";
  }

  private static String packageOf(String type) {
    int dot = type.lastIndexOf('.');
    return dot < 0 ? "" : type.substring(0, dot);
  }

  private static List<Count> top(Map<String, Integer> counts, int n) {
    List<Count> sorted = new ArrayList<>();
    counts.forEach((frame, c) -> sorted.add(new Count(frame, c)));
    sorted.sort((a, b) -> Integer.compare(b.samples(), a.samples()));
    return sorted.subList(0, Math.min(n, sorted.size()));
  }

  public double agentShare() {
    return samples == 0 ? 0 : (double) agentSamples / samples;
  }
}
