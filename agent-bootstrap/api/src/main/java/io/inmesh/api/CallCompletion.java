package io.inmesh.api;

import java.util.function.BiConsumer;

/**
 * Reports a call's outcome when an asynchronous client's future completes (advice cannot use
 * lambdas): {@code future.whenComplete(new CallCompletion(decision))}.
 */
public final class CallCompletion implements BiConsumer<Object, Throwable> {

  private final Decision decision;

  public CallCompletion(Decision decision) {
    this.decision = decision;
  }

  @Override
  public void accept(Object response, Throwable error) {
    decision.complete(response, 0, error);
  }
}
