package io.inmesh.instrumentation.http.jdk;

import io.inmesh.api.BlockingCall;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpClientImpl.send(HttpRequest, BodyHandler)}: the call blocks its caller,
 * so the {@code sendAsync} it makes on this thread may wait for a {@code max_requests} slot
 * ({@link SendAsyncAdvice}). References only the bootstrap API.
 */
public final class SendAdvice {

  private SendAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter() {
    BlockingCall.enter();
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  public static void exit() {
    BlockingCall.exit();
  }
}
