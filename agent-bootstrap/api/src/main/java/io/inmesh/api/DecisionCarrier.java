package io.inmesh.api;

/**
 * Added by the agent to a library's per-request object (e.g. the JDK HttpClient's internal request)
 * so that a decision taken once per request is reused by every later look at the same request:
 * one call, one route, one endpoint.
 */
public interface DecisionCarrier {

  Decision inmeshDecision();

  void inmeshDecision(Decision decision);
}
