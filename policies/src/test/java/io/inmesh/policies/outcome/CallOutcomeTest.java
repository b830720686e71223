package io.inmesh.policies.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class CallOutcomeTest {

  @Test
  void classifiesClientExceptions() {
    assertSame(CallOutcome.CONNECT_FAILURE, CallOutcome.failure(new ConnectException("refused")));
    assertSame(CallOutcome.CONNECT_FAILURE,
        CallOutcome.failure(new IOException("wrapped", new ConnectException("refused"))));
    assertSame(CallOutcome.CONNECT_FAILURE,
        CallOutcome.failure(new SocketTimeoutException("connect timed out")));
    assertSame(CallOutcome.TIMEOUT, CallOutcome.failure(new SocketTimeoutException("Read timed out")));
    assertSame(CallOutcome.REFUSED_STREAM,
        CallOutcome.failure(new IOException("stream was reset: REFUSED_STREAM")));
    assertSame(CallOutcome.RESET, CallOutcome.failure(new IOException("Connection reset")));
    assertSame(CallOutcome.CANCELLED, CallOutcome.failure(new CancellationException()));
    assertSame(CallOutcome.CANCELLED, CallOutcome.failure(new IllegalStateException("bug")));
  }

  @Test
  void responsesAreSharedAndClassified() {
    assertSame(CallOutcome.response(503), CallOutcome.response(503));
    assertTrue(CallOutcome.response(503).isGatewayError());
    assertTrue(CallOutcome.response(500).is5xx());
    assertEquals(14, CallOutcome.grpc(200, 14).grpcStatus());
    assertSame(CallOutcome.grpc(200, 14), CallOutcome.grpc(200, 14));
    assertEquals("UF", CallOutcome.CONNECT_FAILURE.responseFlag());
    assertEquals(504, CallOutcome.TIMEOUT.httpStatus());
  }
}
