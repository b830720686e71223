package io.inmesh.api;

/** Implemented by the agent runtime; see {@link Mesh}. */
public interface MeshHandler {

  /** Returns a decision, or null for pass-through. May throw: {@link Mesh} then passes through. */
  Decision outbound(MeshRequest request);

  /** How a call the handler decided ended (see {@link Decision#complete}). May throw. */
  void completed(Decision decision, Object response, int status, Throwable error);

  /** Told about a failure inside {@link #outbound} so it can be logged once, off the hot path. */
  void failed(Throwable error);
}
