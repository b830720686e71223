package io.inmesh.xds.client;

/** What {@code awaitTarget} learned about a target. */
public enum TargetState {
  /** Its listener, route configuration and every routed cluster's endpoints are known. */
  RESOLVED,
  /** The server says it has no listener of this name: pass the call through untouched. */
  ABSENT,
  /** Nothing definite within the resource timeout: pass through; a later answer takes over. */
  TIMED_OUT
}
