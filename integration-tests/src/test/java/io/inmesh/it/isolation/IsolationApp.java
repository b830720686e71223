package io.inmesh.it.isolation;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An application that ships its own grpc and protobuf, other versions than the agent's, run in a
 * child JVM with the agent attached. Its class path is the test classes plus its own libraries only.
 *
 * <p>It is compiled against the test class path's grpc and protobuf, so it uses only API that both
 * those and the versions it runs on have, and nothing else of the test classes (constants included:
 * its inputs come as arguments).
 *
 * <p>Arguments: {@code URL COUNT GRPC_VERSION PROTOBUF_VERSION}. Prints one line and exits 0:
 * {@code ISOLATION OK grpc=<jar> grpcVersion=.. protobuf=<jar> protobufVersion=.. grpcCall=ok
 * v1=.. v2=.. other=.. errors=0}; or {@code ISOLATION FAILED <why>} and exits 1.
 */
public final class IsolationApp {

  private static final String SERVICE = "inmesh.it.isolation.Echo";

  public static void main(String[] args) {
    try {
      System.out.println("ISOLATION OK " + run(args[0], Integer.parseInt(args[1]), args[2],
          args[3]));
    } catch (Throwable t) {
      System.out.println("ISOLATION FAILED " + t.toString().replace('\n', ' '));
      t.printStackTrace();
      System.exit(1);
    }
    // Returns without System.exit: neither the agent nor these libraries may keep the JVM alive.
  }

  private static String run(String url, int count, String grpcVersion, String protobufVersion)
      throws Exception {
    // (a) The application's own versions are the ones loaded, by its own class loader.
    String grpcJar = jarOf(ManagedChannel.class);
    String protobufJar = jarOf(Message.class);
    String grpcLoaded = ManagedChannel.class.getPackage().getImplementationVersion();
    // Read reflectively: RuntimeVersion exists only in protobuf 4, and its fields are constants
    // that the compiler would otherwise inline from the version compiled against.
    Class<?> runtimeVersion = Class.forName("com.google.protobuf.RuntimeVersion");
    String protobufLoaded = runtimeVersion.getField("MAJOR").get(null) + "."
        + runtimeVersion.getField("MINOR").get(null) + "."
        + runtimeVersion.getField("PATCH").get(null);
    check(grpcJar.equals("grpc-api-" + grpcVersion + ".jar") && grpcVersion.equals(grpcLoaded),
        "grpc loaded from " + grpcJar + ", version " + grpcLoaded);
    check(protobufJar.equals("protobuf-java-" + protobufVersion + ".jar")
        && protobufVersion.equals(protobufLoaded),
        "protobuf loaded from " + protobufJar + ", version " + protobufLoaded);
    ClassLoader app = ClassLoader.getSystemClassLoader();
    check(ManagedChannel.class.getClassLoader() == app && Message.class.getClassLoader() == app,
        "grpc/protobuf not loaded by the application class loader");
    // The agent's relocated copy must not leak into the application's class loader.
    for (String shaded : new String[] {"io.inmesh.shaded.io.grpc.ManagedChannel",
        "io.inmesh.shaded.com.google.protobuf.Message"}) {
      try {
        Class.forName(shaded, false, app);
        throw new AssertionError("the agent's " + shaded + " is visible to the application");
      } catch (ClassNotFoundException expected) {
        // isolated, as it should be
      }
    }

    // (b) A real unary call through the application's grpc, with its protobuf messages.
    grpcRoundTrip();

    // (c) HTTP calls to a name only the mesh can resolve.
    Map<String, Integer> counts = new TreeMap<>();
    int errors = 0;
    String firstError = "";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < count; i++) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("status " + r.statusCode());
        }
        // the backend answers "<version> <Host header>"
        counts.merge(r.body().trim().split(" ", 2)[0], 1, Integer::sum);
      } catch (Exception e) {
        errors++;
        if (firstError.isEmpty()) {
          firstError = e.toString();
        }
      }
    }
    check(errors == 0, errors + " of " + count + " HTTP calls failed, first: " + firstError);
    int v1 = counts.getOrDefault("v1", 0);
    int v2 = counts.getOrDefault("v2", 0);
    return "grpc=" + grpcJar + " grpcVersion=" + grpcLoaded + " protobuf=" + protobufJar
        + " protobufVersion=" + protobufLoaded + " grpcCall=ok v1=" + v1 + " v2=" + v2
        + " other=" + (count - errors - v1 - v2) + " errors=" + errors;
  }

  private static void grpcRoundTrip() throws Exception {
    MethodDescriptor<Struct, Struct> echo = MethodDescriptor.<Struct, Struct>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
        .setRequestMarshaller(ProtoUtils.marshaller(Struct.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(Struct.getDefaultInstance()))
        .build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(echo, ServerCalls.asyncUnaryCall((request, response) -> {
          try {
            // The in-process transport hands messages over without serializing them, so the
            // server goes through the wire format itself: Any, bytes, parse, unpack.
            Any packed = Any.parseFrom(Any.pack(request).toByteArray());
            Struct received = packed.unpack(Struct.class);
            response.onNext(Struct.newBuilder()
                .putFields("echo", received.getFieldsOrThrow("name"))
                .putFields("next", Value.newBuilder()
                    .setNumberValue(received.getFieldsOrThrow("n").getNumberValue() + 1).build())
                .putFields("typeUrl", Value.newBuilder().setStringValue(packed.getTypeUrl())
                    .build())
                .build());
            response.onCompleted();
          } catch (Exception e) {
            response.onError(e);
          }
        }))
        .build();
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor().addService(service)
        .build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      Struct request = Struct.newBuilder()
          .putFields("name", Value.newBuilder().setStringValue("reviews").build())
          .putFields("n", Value.newBuilder().setNumberValue(41).build())
          .build();
      Struct reply = ClientCalls.blockingUnaryCall(channel, echo,
          CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), request);
      check(reply.getFieldsOrThrow("echo").getStringValue().equals("reviews")
          && reply.getFieldsOrThrow("next").getNumberValue() == 42
          && reply.getFieldsOrThrow("typeUrl").getStringValue()
              .equals("type.googleapis.com/google.protobuf.Struct"),
          "unexpected gRPC reply " + reply);
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI())
        .getFileName().toString();
  }

  private static void check(boolean ok, String failure) {
    if (!ok) {
      throw new AssertionError(failure);
    }
  }
}
