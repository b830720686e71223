package io.inmesh.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResilientJdkCallTest {

  private static final URI URL = URI.create("http://reviews:9080/");

  @Test
  void requestsWithoutABodyOrWithTheJdksOwnKnownLengthBodiesAreReplayable() {
    assertTrue(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL).build()));
    assertTrue(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL)
        .POST(BodyPublishers.ofString("hello")).build()));
    assertTrue(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL)
        .POST(BodyPublishers.ofByteArray(new byte[] {1, 2})).build()));
    assertTrue(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL)
        .POST(BodyPublishers.noBody()).build()));
  }

  @Test
  void streamsAndApplicationPublishersAreSentOnce() {
    assertFalse(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL)
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3])))
        .build()));
    assertFalse(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL)
        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofString("x"), 1)).build()));
    assertFalse(ResilientJdkCall.replayable(HttpRequest.newBuilder(URL)
        .POST(BodyPublishers.ofByteArrays(List.of(new byte[] {1}))).build()));
  }
}
