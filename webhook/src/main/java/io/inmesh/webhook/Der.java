package io.inmesh.webhook;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to turn the PEM key encodings cert-manager and openssl write (PKCS#1 RSA, SEC1 EC)
 * into the PKCS#8 the JDK's {@code KeyFactory} reads, without pulling in Bouncy Castle.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;

  /** One decoded element: its tag, its content, and its whole encoding (tag + length + content). */
  record Element(int tag, byte[] content, byte[] encoded) {}

  private Der() {}

  static byte[] encode(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(len) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... elements) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] e : elements) {
      content.writeBytes(e);
    }
    return encode(SEQUENCE, content.toByteArray());
  }

  /** The elements inside one constructed element (a SEQUENCE or a context tag). */
  static List<Element> children(byte[] content) {
    List<Element> out = new ArrayList<>();
    int pos = 0;
    while (pos < content.length) {
      Element e = read(content, pos);
      out.add(e);
      pos += e.encoded().length;
    }
    return out;
  }

  /** The element that starts at {@code pos}. */
  static Element read(byte[] data, int pos) {
    if (pos + 2 > data.length) {
      throw new IllegalArgumentException("truncated DER at byte " + pos);
    }
    int tag = data[pos] & 0xff;
    int len = data[pos + 1] & 0xff;
    int header = 2;
    if (len >= 0x80) {
      int bytes = len & 0x7f;
      if (bytes == 0 || bytes > 4 || pos + 2 + bytes > data.length) {
        throw new IllegalArgumentException("unsupported DER length at byte " + pos);
      }
      len = 0;
      for (int i = 0; i < bytes; i++) {
        len = (len << 8) | (data[pos + 2 + i] & 0xff);
      }
      header += bytes;
    }
    int end = pos + header + len;
    if (len < 0 || end > data.length) {
      throw new IllegalArgumentException("truncated DER at byte " + pos);
    }
    return new Element(tag, Arrays.copyOfRange(data, pos + header, end),
        Arrays.copyOfRange(data, pos, end));
  }
}
