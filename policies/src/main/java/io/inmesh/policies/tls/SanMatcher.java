package io.inmesh.policies.tls;

import io.inmesh.policies.route.StringMatch;

/**
 * One entry of {@code CertificateValidationContext.match_subject_alt_names} (any SAN type) or
 * {@code match_typed_subject_alt_names} (one type): the peer certificate is accepted when any of
 * its subject alternative names of that type matches.
 *
 * @param type the SAN type this applies to, {@link Type#ANY} for the untyped field
 * @param match the string matcher (istiod sends exact SPIFFE IDs)
 */
public record SanMatcher(Type type, StringMatch match) {

  /** {@code SubjectAltNameMatcher.san_type}; X.509 GeneralName tags in {@link #tag()}. */
  public enum Type {
    ANY(-1), EMAIL(1), DNS(2), URI(6), IP_ADDRESS(7);

    private final int tag;

    Type(int tag) {
      this.tag = tag;
    }

    /** The GeneralName tag {@code X509Certificate.getSubjectAlternativeNames()} reports. */
    public int tag() {
      return tag;
    }
  }

  public SanMatcher {
    if (type == null || match == null) {
      throw new IllegalArgumentException("SAN matcher needs a type and a matcher");
    }
  }

  /** Whether a SAN of GeneralName tag {@code tag} with value {@code value} matches. */
  public boolean matches(int tag, String value) {
    return (type == Type.ANY || type.tag == tag) && value != null && match.matches(value);
  }

  @Override
  public String toString() {
    return (type == Type.ANY ? "" : type + " ") + match;
  }
}
