package io.inmesh.policies.header;

/**
 * {@code HeaderValueOption.append_action}. The deprecated {@code append} maps to
 * APPEND_IF_EXISTS_OR_ADD (true or unset) and OVERWRITE_IF_EXISTS_OR_ADD (false).
 */
public enum AppendAction {
  /** Add another value; the header may end up with several. */
  APPEND_IF_EXISTS_OR_ADD,
  /** Add only if the header is absent. */
  ADD_IF_ABSENT,
  /** Replace all values, or add. */
  OVERWRITE_IF_EXISTS_OR_ADD,
  /** Replace all values only if the header is present. */
  OVERWRITE_IF_EXISTS
}
