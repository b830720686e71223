package io.inmesh.policies.route;

import com.google.re2j.Pattern;

/** Envoy's {@code RegexMatchAndSubstitute}: RE2 pattern and substitution, compiled once. */
public final class Rewrites {

  private Rewrites() {}

  /**
   * Converts an Envoy/RE2 substitution ({@code \1} for a group, {@code \\} for a backslash) to
   * RE2/J's replacement syntax ({@code $1}, {@code \$} for a literal dollar).
   */
  public static String re2jReplacement(String envoySubstitution) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < envoySubstitution.length(); i++) {
      char c = envoySubstitution.charAt(i);
      if (c == '\\' && i + 1 < envoySubstitution.length()) {
        char n = envoySubstitution.charAt(i + 1);
        if (Character.isDigit(n)) {
          out.append('$').append(n);
          i++;
          continue;
        }
        if (n == '\\') {
          out.append("\\\\");
          i++;
          continue;
        }
        throw new IllegalArgumentException("invalid escape '\\" + n + "' in substitution '"
            + envoySubstitution + "'");
      }
      if (c == '$') {
        out.append("\\$");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Every match of {@code pattern} in {@code input} replaced (RE2::GlobalReplace). */
  public static String replaceAll(Pattern pattern, String re2jReplacement, String input) {
    return pattern.matcher(input).replaceAll(re2jReplacement);
  }
}
