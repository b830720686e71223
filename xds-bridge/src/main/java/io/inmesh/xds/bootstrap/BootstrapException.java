package io.inmesh.xds.bootstrap;

/** A bootstrap that was found but cannot be used; the message names its source and the problem. */
public final class BootstrapException extends Exception {

  public BootstrapException(String source, String problem) {
    super("xDS bootstrap " + source + ": " + problem);
  }

  public BootstrapException(String source, String problem, Throwable cause) {
    super("xDS bootstrap " + source + ": " + problem, cause);
  }
}
