package io.inmesh.policies.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class XxHash64Test {

  @Test
  void knownValues() {
    // Reference values of xxHash64 (seed 0), as Envoy's hash_policy computes them.
    assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(""));
    assertEquals(0x44BC2CF5AD770999L, XxHash64.hash("abc"));
  }

  @Test
  void aBufferHashesLikeItsBytesWhateverItsPositionAndLength() {
    byte[] all = new byte[200];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) (i * 31 + 7);
    }
    for (int offset : new int[] {0, 1, 5}) {
      for (int len = 0; len <= 100; len++) {
        byte[] part = Arrays.copyOfRange(all, offset, offset + len);
        ByteBuffer buffer = ByteBuffer.wrap(all, offset, len).asReadOnlyBuffer();
        assertEquals(XxHash64.hash(part, 3), XxHash64.hash(buffer, 3), offset + "+" + len);
        assertEquals(offset, buffer.position());
      }
    }
    byte[] text = "istio".getBytes(StandardCharsets.US_ASCII);
    assertEquals(XxHash64.hash("istio", 0), XxHash64.hash(ByteBuffer.wrap(text), 0));
  }
}
