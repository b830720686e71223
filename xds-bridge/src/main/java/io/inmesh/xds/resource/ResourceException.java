package io.inmesh.xds.resource;

/**
 * Why one xDS resource was rejected. The client NACKs the response with this reason and keeps
 * serving the last good version of the resource.
 */
public final class ResourceException extends Exception {

  private final String resourceName;

  public ResourceException(String resourceName, String reason) {
    super(reason);
    this.resourceName = resourceName;
  }

  /** The resource's name, or null when the resource could not even be decoded far enough. */
  public String resourceName() {
    return resourceName;
  }

  public String reason() {
    return getMessage();
  }
}
