package io.inmesh.runtime;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import io.inmesh.runtime.LocalReplyServer.LocalReply;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

/**
 * The local reply server's side of one cleartext HTTP/2 connection opened with prior knowledge
 * (RFC 9113 section 3.3), as OkHttp's {@code H2_PRIOR_KNOWLEDGE}, Reactor Netty's {@code H2C} and
 * Apache HttpClient 5's HTTP/2 client open it: each request stream is answered with its local
 * reply, one after the other, until the client goes away or stays idle past the socket timeout.
 *
 * <p>Only what answering needs: SETTINGS (acknowledged; ours are the defaults), PING, HEADERS and
 * CONTINUATION (decoded with the HPACK codec of the Netty that grpc-netty-shaded already brings),
 * GOAWAY; request bodies are discarded and a stream whose request has not ended when it is
 * answered is reset with NO_ERROR, as RFC 9113 section 8.1 allows. The answer's headers are
 * encoded as never-indexed literals, so the client's header table size never matters.
 */
final class H2cReplyConnection {

  /** What follows {@code PRI * HTTP/2.0\r\n\r\n} in the client's connection preface. */
  static final byte[] PREFACE_TAIL = "SM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int CONTINUATION = 0x9;
  private static final int END_STREAM = 0x1;
  private static final int ACK = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int PADDED = 0x8;
  private static final int PRIORITY = 0x20;
  /** SETTINGS_MAX_FRAME_SIZE's default: neither side announces another. */
  private static final int MAX_FRAME = 16_384;
  private static final int MAX_HEADER_BLOCK = 64 * 1024;

  private final DataInputStream in;
  private final OutputStream out;
  private final Function<String, LocalReply> replies;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
  private final DefaultHttp2HeadersEncoder encoder =
      new DefaultHttp2HeadersEncoder((name, value) -> true);

  /**
   * @param replies the reply for a request path (an expired one for unknown paths)
   */
  H2cReplyConnection(InputStream in, OutputStream out, Function<String, LocalReply> replies) {
    this.in = new DataInputStream(in);
    this.out = out;
    this.replies = replies;
  }

  /** Serves the connection after the whole preface was read; returns when it ends. */
  void serve() throws IOException {
    writeFrame(SETTINGS, 0, 0, new byte[0], 0, 0);
    int headerStream = 0;
    boolean headerEndsStream = false;
    ByteBuf block = Unpooled.buffer();
    try {
      while (true) {
        int length;
        try {
          length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        } catch (EOFException closed) {
          return;
        }
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        if (length > MAX_FRAME) {
          goAway(0x6); // FRAME_SIZE_ERROR
          return;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        switch (type) {
          case SETTINGS -> {
            if ((flags & ACK) == 0) {
              writeFrame(SETTINGS, ACK, 0, new byte[0], 0, 0);
            }
          }
          case PING -> {
            if ((flags & ACK) == 0) {
              writeFrame(PING, ACK, 0, payload, 0, payload.length);
            }
          }
          case HEADERS -> {
            int start = 0;
            int end = length;
            if ((flags & PADDED) != 0) {
              end -= payload[0] & 0xff;
              start = 1;
            }
            if ((flags & PRIORITY) != 0) {
              start += 5;
            }
            block.clear().writeBytes(payload, start, Math.max(0, end - start));
            headerStream = stream;
            headerEndsStream = (flags & END_STREAM) != 0;
            if ((flags & END_HEADERS) != 0) {
              answer(headerStream, block, headerEndsStream);
            }
          }
          case CONTINUATION -> {
            if (stream != headerStream || block.readableBytes() + length > MAX_HEADER_BLOCK) {
              goAway(0x1); // PROTOCOL_ERROR
              return;
            }
            block.writeBytes(payload);
            if ((flags & END_HEADERS) != 0) {
              answer(headerStream, block, headerEndsStream);
            }
          }
          case GOAWAY -> {
            return;
          }
          default -> {
            // DATA (a request body nobody reads), WINDOW_UPDATE, PRIORITY, RST_STREAM: nothing
            // to do for a connection that only ever sends small answers
          }
        }
      }
    } finally {
      block.release();
    }
  }

  private void answer(int stream, ByteBuf block, boolean requestEnded) throws IOException {
    Http2Headers request;
    try {
      request = decoder.decodeHeaders(stream, block);
    } catch (Http2Exception e) {
      goAway(0x9); // COMPRESSION_ERROR
      throw new IOException("cannot decode the request's headers", e);
    }
    CharSequence path = request.path();
    LocalReply reply = replies.apply(path == null ? "" : path.toString());
    boolean head = "HEAD".contentEquals(request.method() == null ? "" : request.method());
    byte[] body = reply.body() == null || head ? new byte[0]
        : reply.body().getBytes(StandardCharsets.UTF_8);
    Http2Headers response = new DefaultHttp2Headers(false)
        .status(Integer.toString(reply.status()));
    boolean contentType = false;
    for (int i = 0; i + 1 < reply.headers().length; i += 2) {
      String name = reply.headers()[i].toLowerCase(Locale.ROOT);
      response.add(name, reply.headers()[i + 1]);
      contentType |= name.equals("content-type");
    }
    if (!contentType && body.length > 0) {
      response.add("content-type", "text/plain");
    }
    response.add("content-length", Integer.toString(body.length))
        .add("x-inmesh-response-flags", reply.responseFlags())
        .add("server", "inmesh");
    ByteBuf encoded = Unpooled.buffer();
    try {
      encoder.encodeHeaders(stream, response, encoded);
      byte[] headerBlock = new byte[encoded.readableBytes()];
      encoded.readBytes(headerBlock);
      writeHeaderBlock(stream, headerBlock, body.length == 0);
    } catch (Http2Exception e) {
      throw new IOException("cannot encode the reply's headers", e);
    } finally {
      encoded.release();
    }
    for (int off = 0; off < body.length; off += MAX_FRAME) {
      int n = Math.min(MAX_FRAME, body.length - off);
      writeFrame(DATA, off + n == body.length ? END_STREAM : 0, stream, body, off, n);
    }
    if (!requestEnded) {
      writeFrame(RST_STREAM, 0, stream, new byte[4], 0, 4); // NO_ERROR
    }
    out.flush();
  }

  /** HEADERS, and CONTINUATION frames for a block larger than one frame. */
  private void writeHeaderBlock(int stream, byte[] block, boolean endStream) throws IOException {
    int first = Math.min(MAX_FRAME, block.length);
    int flags = (endStream ? END_STREAM : 0) | (first == block.length ? END_HEADERS : 0);
    writeFrame(HEADERS, flags, stream, block, 0, first);
    for (int off = first; off < block.length; off += MAX_FRAME) {
      int n = Math.min(MAX_FRAME, block.length - off);
      writeFrame(CONTINUATION, off + n == block.length ? END_HEADERS : 0, stream, block, off, n);
    }
  }

  private void goAway(int errorCode) throws IOException {
    byte[] payload = new byte[8]; // last stream 0: nothing more will be processed
    payload[7] = (byte) errorCode;
    writeFrame(GOAWAY, 0, 0, payload, 0, 8);
    out.flush();
  }

  private void writeFrame(int type, int flags, int stream, byte[] payload, int off, int length)
      throws IOException {
    byte[] header = {
        (byte) (length >>> 16), (byte) (length >>> 8), (byte) length,
        (byte) type, (byte) flags,
        (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
    out.write(header);
    out.write(payload, off, length);
    if (type == SETTINGS || type == PING) {
      out.flush();
    }
  }
}
