package io.inmesh.policies.route;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one query parameter or one cookie without building a map: a linear scan that allocates only
 * the returned value. Query keys and values are percent-decoded ('+' is a space), as Envoy's
 * {@code QueryParamsMulti::parseAndDecodeQueryString} does.
 */
public final class QueryString {

  private QueryString() {}

  /** The first value of {@code name} in the query of {@code pathAndQuery}, or null. */
  public static String first(String pathAndQuery, String name) {
    if (pathAndQuery == null) {
      return null;
    }
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return null;
    }
    int end = pathAndQuery.indexOf('#', q);
    if (end < 0) {
      end = pathAndQuery.length();
    }
    int start = q + 1;
    while (start <= end) {
      int amp = pathAndQuery.indexOf('&', start);
      if (amp < 0 || amp > end) {
        amp = end;
      }
      if (amp > start) {
        int eq = pathAndQuery.indexOf('=', start);
        int keyEnd = eq < 0 || eq > amp ? amp : eq;
        if (keyEquals(pathAndQuery, start, keyEnd, name)) {
          return keyEnd == amp ? "" : decode(pathAndQuery, keyEnd + 1, amp);
        }
      }
      start = amp + 1;
    }
    return null;
  }

  private static boolean keyEquals(String s, int from, int to, String name) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%' || c == '+') {
        return decode(s, from, to).equals(name);
      }
    }
    return to - from == name.length() && s.regionMatches(from, name, 0, name.length());
  }

  /** Percent-decodes s[from, to); '+' becomes a space; a malformed escape is kept as is. */
  static String decode(String s, int from, int to) {
    boolean plain = true;
    for (int i = from; i < to && plain; i++) {
      char c = s.charAt(i);
      plain = c != '%' && c != '+';
    }
    if (plain) {
      return s.substring(from, to);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '+') {
        out.write(' ');
      } else if (c == '%' && hex(s, i + 1, to) >= 0 && hex(s, i + 2, to) >= 0) {
        out.write(hex(s, i + 1, to) * 16 + hex(s, i + 2, to));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(String s, int i, int to) {
    if (i >= to) {
      return -1;
    }
    return Character.digit(s.charAt(i), 16);
  }

  /**
   * The value of cookie {@code name} in a {@code cookie} header ("a=1; b=2"), with surrounding
   * double quotes removed as Envoy's {@code parseCookieValue} does, or null.
   */
  public static String cookie(String cookieHeader, String name) {
    if (cookieHeader == null) {
      return null;
    }
    int start = 0;
    int n = cookieHeader.length();
    while (start < n) {
      int semi = cookieHeader.indexOf(';', start);
      if (semi < 0) {
        semi = n;
      }
      int k = start;
      while (k < semi && cookieHeader.charAt(k) == ' ') {
        k++;
      }
      int eq = cookieHeader.indexOf('=', k);
      if (eq > 0 && eq < semi && eq - k == name.length()
          && cookieHeader.regionMatches(k, name, 0, name.length())) {
        int vs = eq + 1;
        int ve = semi;
        while (ve > vs && cookieHeader.charAt(ve - 1) == ' ') {
          ve--;
        }
        if (ve - vs >= 2 && cookieHeader.charAt(vs) == '"' && cookieHeader.charAt(ve - 1) == '"') {
          vs++;
          ve--;
        }
        return cookieHeader.substring(vs, ve);
      }
      start = semi + 1;
    }
    return null;
  }
}
