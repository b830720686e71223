package io.inmesh.policies.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * xxHash64 (seed 0 unless given), the hash Envoy uses for {@code hash_policy} keys, ring hash
 * entries ({@code address_i}) and Maglev permutations. An ASCII string is hashed from its chars
 * without encoding it.
 */
public final class XxHash64 {

  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  public static long hash(String s) {
    return hash(s, 0);
  }

  public static long hash(String s, long seed) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return hash(s.getBytes(StandardCharsets.UTF_8), seed);
      }
    }
    return hash(new Ascii(s), s.length(), seed);
  }

  public static long hash(byte[] b, long seed) {
    return hash(new Bytes(b), b.length, seed);
  }

  /** The bytes from {@code b}'s position to its limit (the buffer itself is not moved). */
  public static long hash(ByteBuffer b, long seed) {
    ByteBuffer view = b.slice().order(ByteOrder.LITTLE_ENDIAN);
    return hash(new Buffer(view), view.remaining(), seed);
  }

  private interface Input {
    int byteAt(int i);

    default long long64(int i) {
      long v = 0;
      for (int k = 7; k >= 0; k--) {
        v = (v << 8) | byteAt(i + k);
      }
      return v;
    }

    default long int32(int i) {
      long v = 0;
      for (int k = 3; k >= 0; k--) {
        v = (v << 8) | byteAt(i + k);
      }
      return v;
    }
  }

  private record Ascii(String s) implements Input {
    @Override
    public int byteAt(int i) {
      return s.charAt(i);
    }
  }

  private record Bytes(byte[] b) implements Input {
    @Override
    public int byteAt(int i) {
      return b[i] & 0xFF;
    }
  }

  /** Reads 8 and 4 bytes at once (xxHash reads little-endian words). */
  private record Buffer(ByteBuffer b) implements Input {
    @Override
    public int byteAt(int i) {
      return b.get(i) & 0xFF;
    }

    @Override
    public long long64(int i) {
      return b.getLong(i);
    }

    @Override
    public long int32(int i) {
      return b.getInt(i) & 0xFFFFFFFFL;
    }
  }

  private static long hash(Input in, int len, long seed) {
    int i = 0;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = len - 32;
      do {
        v1 = round(v1, in.long64(i));
        v2 = round(v2, in.long64(i + 8));
        v3 = round(v3, in.long64(i + 16));
        v4 = round(v4, in.long64(i + 24));
        i += 32;
      } while (i <= limit);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
          + Long.rotateLeft(v4, 18);
      h = merge(h, v1);
      h = merge(h, v2);
      h = merge(h, v3);
      h = merge(h, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (i + 8 <= len) {
      h ^= round(0, in.long64(i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      i += 8;
    }
    if (i + 4 <= len) {
      h ^= in.int32(i) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 4;
    }
    while (i < len) {
      h ^= in.byteAt(i) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      i++;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long merge(long acc, long val) {
    acc ^= round(0, val);
    return acc * P1 + P4;
  }
}
