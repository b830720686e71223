package io.inmesh.telemetry;

/** Told about every finished call; must be cheap and must never throw or block. */
public interface CallListener {

  void onCall(CallRecord call);
}
