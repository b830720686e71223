package io.inmesh.telemetry;

/**
 * A minimal JSON writer over a StringBuilder: the admin endpoints and the access log write small,
 * flat documents, and a JSON library would be one more package to shade for that.
 */
final class Json {

  private final StringBuilder out;
  private boolean needComma;

  Json(StringBuilder out) {
    this.out = out;
  }

  Json() {
    this(new StringBuilder(256));
  }

  Json beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  Json endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  Json beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  Json endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  /** Writes a member name; the value written next belongs to it. */
  Json name(String name) {
    comma();
    string(out, name);
    out.append(':');
    needComma = false;
    return this;
  }

  Json value(String value) {
    comma();
    if (value == null) {
      out.append("null");
    } else {
      string(out, value);
    }
    needComma = true;
    return this;
  }

  Json value(long value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  Json value(boolean value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  Json nullValue() {
    comma();
    out.append("null");
    needComma = true;
    return this;
  }

  Json field(String name, String value) {
    return name(name).value(value);
  }

  Json field(String name, long value) {
    return name(name).value(value);
  }

  Json field(String name, boolean value) {
    return name(name).value(value);
  }

  /** A string member that is left out when the value is null. */
  Json optional(String name, Object value) {
    return value == null ? this : field(name, String.valueOf(value));
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  @Override
  public String toString() {
    return out.toString();
  }

  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append("\\u");
            String hex = Integer.toHexString(c);
            out.append("0000", hex.length(), 4).append(hex);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
