package io.inmesh.it.support;

/**
 * One pod of a test service on loopback: it answers {@code "<version> <authority>"} (and maybe
 * more), echoes what it saw in {@code x-seen-*} response headers and counts requests.
 */
public interface ServiceBackend extends AutoCloseable {

  int port();

  int requests();

  /** The authority ({@code Host} or {@code :authority}) of the latest request. */
  String lastHost();

  @Override
  void close();
}
