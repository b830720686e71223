package io.inmesh.runtime.tls;

import io.inmesh.policies.tls.SanMatcher;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/** Reads a certificate's subject alternative names and matches them (Envoy's semantics). */
final class SubjectAltNames {

  private static final int URI = 6;

  private SubjectAltNames() {}

  /**
   * True when any SAN of the certificate matches any matcher ({@code match_subject_alt_names}:
   * "the certificate is accepted if any of its SANs matches any of the matchers"), or when there
   * are no matchers.
   */
  static boolean matches(X509Certificate certificate, List<SanMatcher> matchers)
      throws CertificateParsingException {
    if (matchers.isEmpty()) {
      return true;
    }
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return false;
    }
    for (List<?> name : names) {
      if (name.size() < 2 || !(name.get(1) instanceof String value)) {
        continue;
      }
      int tag = (Integer) name.get(0);
      for (SanMatcher m : matchers) {
        if (m.matches(tag, value)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first {@code spiffe://} URI SAN, or null. */
  static String spiffeId(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if ((Integer) name.get(0) == URI && name.get(1) instanceof String uri
              && uri.startsWith("spiffe://")) {
            return uri;
          }
        }
      }
    } catch (CertificateParsingException e) {
      return null;
    }
    return null;
  }

  /** Every SAN as {@code TYPE:value} text, for the refusal's log line. */
  static String describe(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return "none";
      }
      StringBuilder out = new StringBuilder();
      for (List<?> name : names) {
        if (out.length() > 0) {
          out.append(", ");
        }
        out.append(switch ((Integer) name.get(0)) {
          case 1 -> "EMAIL:";
          case 2 -> "DNS:";
          case 6 -> "URI:";
          case 7 -> "IP:";
          default -> "#" + name.get(0) + ":";
        }).append(name.get(1));
      }
      return out.toString();
    } catch (CertificateParsingException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }
}
