package io.inmesh.xds.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the bootstrap the way gRPC does, with the agent argument first: the {@code bootstrap=PATH}
 * agent argument, then {@code GRPC_XDS_BOOTSTRAP} (a file), then {@code GRPC_XDS_BOOTSTRAP_CONFIG}
 * (the JSON itself). The environment is a parameter so tests need not mutate the process's.
 */
public final class BootstrapLocator {

  public static final String ENV_FILE = "GRPC_XDS_BOOTSTRAP";
  public static final String ENV_CONFIG = "GRPC_XDS_BOOTSTRAP_CONFIG";

  private final BootstrapParser parser = new BootstrapParser();

  /**
   * @param agentArgumentPath the {@code bootstrap=} agent argument, or null
   * @param env the process environment (or a test's)
   * @return the bootstrap, or empty when none is configured (the agent then stays pass-through)
   * @throws BootstrapException when one is configured but unreadable or invalid
   */
  public Optional<Bootstrap> locate(String agentArgumentPath, Map<String, String> env)
      throws BootstrapException {
    if (agentArgumentPath != null && !agentArgumentPath.isBlank()) {
      return Optional.of(readFile(agentArgumentPath.trim()));
    }
    String file = env.get(ENV_FILE);
    if (file != null && !file.isBlank()) {
      return Optional.of(readFile(file.trim()));
    }
    String inline = env.get(ENV_CONFIG);
    if (inline != null && !inline.isBlank()) {
      return Optional.of(parser.parse(inline, ENV_CONFIG));
    }
    return Optional.empty();
  }

  private Bootstrap readFile(String path) throws BootstrapException {
    String json;
    try {
      json = Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BootstrapException(path, "file does not exist", e);
    } catch (IOException | RuntimeException e) {
      throw new BootstrapException(path, "cannot read file: " + e, e);
    }
    return parser.parse(json, path);
  }
}
