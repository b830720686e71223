package io.inmesh.examples.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON file of xDS resources (see {@link EnvoyJson}) served by a {@link LocalControlPlane} and
 * followed (read every 500 ms on a daemon thread): an edit is published as a new snapshot version within about a second, and an edit that
 * does not parse is logged and ignored, so clients keep the last good resources, as they would
 * behind istiod when a bad VirtualService is rejected.
 *
 * <p>{@code ${NAME}} in the file is replaced from the placeholders given, so a file can name ports
 * chosen at run time (the demo's backends).
 */
public final class ResourceFile implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResourceFile.class);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
  private static final long POLL_MILLIS = 500;

  private final Path file;
  private final LocalControlPlane controlPlane;
  private final Map<String, String> placeholders;
  private final ScheduledExecutorService poller;
  private String lastContent;
  private int generation;

  public ResourceFile(Path file, LocalControlPlane controlPlane, Map<String, String> placeholders) {
    this.file = Objects.requireNonNull(file, "file");
    this.controlPlane = Objects.requireNonNull(controlPlane, "controlPlane");
    this.placeholders = Map.copyOf(placeholders);
    this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "resource-file " + file.getFileName());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Parses {@code json} after replacing {@code ${NAME}} placeholders. */
  public static XdsResources parse(String json, Map<String, String> placeholders)
      throws EnvoyJson.InvalidResourcesException {
    return EnvoyJson.parse(substitute(json, placeholders));
  }

  /**
   * Publishes the file now and then follows it. Fails if the file cannot be read or parsed, so a
   * control plane never starts on a broken file.
   */
  public synchronized ResourceFile start() throws IOException, EnvoyJson.InvalidResourcesException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    publish(content, parse(content, placeholders));
    poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Checks the file once; the poller calls this every 500 ms. It compares contents, not mtimes:
   * the file is small, and an mtime with one-second granularity would miss a quick second save.
   */
  synchronized void poll() {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      if (content.equals(lastContent)) {
        return;
      }
      lastContent = content;
      publish(content, parse(content, placeholders));
    } catch (EnvoyJson.InvalidResourcesException e) {
      LOG.error("{}: not served, still serving version {}: {}",
          file, controlPlane.version(), e.getMessage());
    } catch (NoSuchFileException e) {
      // Editors that save by rename leave a moment without the file.
      LOG.debug("{} is missing; keeping version {}", file, controlPlane.version());
    } catch (IOException | RuntimeException e) {
      LOG.error("{}: cannot read, still serving version {}: {}", file, controlPlane.version(), e);
    }
  }

  private void publish(String content, XdsResources resources) {
    lastContent = content;
    String version = file.getFileName() + "-" + (++generation);
    controlPlane.setResources(version, resources);
    LOG.info("{}: serving version {}: {}", file, version, resources);
  }

  private static String substitute(String text, Map<String, String> placeholders)
      throws EnvoyJson.InvalidResourcesException {
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = placeholders.get(matcher.group(1));
      if (value == null) {
        throw new EnvoyJson.InvalidResourcesException("unknown placeholder " + matcher.group()
            + " (known: " + new TreeSet<>(placeholders.keySet()) + ")");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
