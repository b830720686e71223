package io.inmesh.runtime.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Metadata;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.inmesh.xds.bootstrap.BootstrapParser;
import io.inmesh.xds.bootstrap.XdsServer;
import io.inmesh.xds.client.GrpcXdsTransport;
import io.inmesh.xds.client.XdsTransport;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code channel_creds} {@code tls} (gRFC A65): mTLS to an xDS server named by DNS. */
class XdsChannelCredentialsTest {

  @TempDir Path dir;

  /** An ADS server requiring a client certificate; answers with the client's SPIFFE ID. */
  private Server adsServer(TestCa ca, TestCa.Issued identity) throws Exception {
    // the server's own files, read by gRPC (PKCS#8 key, PEM chain and root)
    Path serverDir = java.nio.file.Files.createTempDirectory(dir, "server");
    java.nio.file.Files.writeString(serverDir.resolve("cert.pem"),
        TestCa.pem("CERTIFICATE", identity.certificate().getEncoded()));
    java.nio.file.Files.writeString(serverDir.resolve("key.pem"),
        TestCa.pem("PRIVATE KEY", identity.key().getEncoded()));
    java.nio.file.Files.writeString(serverDir.resolve("root.pem"),
        TestCa.pem("CERTIFICATE", ca.root.getEncoded()));
    var creds = TlsServerCredentials.newBuilder()
        .keyManager(serverDir.resolve("cert.pem").toFile(), serverDir.resolve("key.pem").toFile())
        .trustManager(serverDir.resolve("root.pem").toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
    var service = new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
      @Override
      public StreamObserver<DiscoveryRequest> streamAggregatedResources(
          StreamObserver<DiscoveryResponse> responses) {
        String peer = PEER.get();
        return new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryRequest request) {
            responses.onNext(DiscoveryResponse.newBuilder().setVersionInfo(peer).build());
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            responses.onCompleted();
          }
        };
      }
    };
    ServerInterceptor peerId = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
          PEER.set(SubjectAltNames.spiffeId(
              (X509Certificate) session.getPeerCertificates()[0]));
          return next.startCall(call, headers);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          PEER.remove();
        }
      }
    };
    return Grpc.newServerBuilderForPort(0, creds)
        .addService(ServerInterceptors.intercept(service, peerId)).build().start();
  }

  private static final ThreadLocal<String> PEER = new ThreadLocal<>();

  private CompletableFuture<String> ask(int port) {
    String json = ("{\"xds_servers\": [{\"server_uri\": \"localhost:%d\", \"channel_creds\": ["
        + "{\"type\": \"google_default\"}, {\"type\": \"tls\", \"config\": {"
        + "\"certificate_file\": \"%s/cert-chain.pem\", \"private_key_file\": \"%s/key.pem\","
        + " \"ca_certificate_file\": \"%s/root-cert.pem\"}}]}], \"node\": {\"id\": \"n\"}}")
        .formatted(port, dir, dir, dir);
    XdsServer server;
    try {
      server = new BootstrapParser().parse(json, "test").server();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    GrpcXdsTransport transport = new GrpcXdsTransport(server.uri(),
        XdsChannelCredentials.of(server));
    CompletableFuture<String> answer = new CompletableFuture<>();
    XdsTransport.Stream stream = transport.start(new XdsTransport.StreamListener() {
      @Override
      public void onResponse(DiscoveryResponse response) {
        answer.complete(response.getVersionInfo());
      }

      @Override
      public void onClosed(Throwable error) {
        answer.completeExceptionally(error == null ? new IllegalStateException("closed") : error);
      }
    });
    stream.send(DiscoveryRequest.newBuilder().build());
    answer.whenComplete((v, e) -> transport.close());
    return answer;
  }

  @Test
  void presentsTheWorkloadCertificateToATlsXdsServer() throws Exception {
    TestCa ca = TestCa.create("cluster.local");
    ca.issue(MeshTlsTest.PRODUCTPAGE).writeTo(dir);
    Server server = adsServer(ca, ca.issueForHost("localhost"));
    try {
      assertEquals(MeshTlsTest.PRODUCTPAGE, ask(server.getPort()).get(10, TimeUnit.SECONDS));
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void refusesAnXdsServerNotNamedByItsCertificate() throws Exception {
    TestCa ca = TestCa.create("cluster.local");
    ca.issue(MeshTlsTest.PRODUCTPAGE).writeTo(dir);
    Server server = adsServer(ca, ca.issueForHost("istiod.istio-system.svc"));
    try {
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> ask(server.getPort()).get(10, TimeUnit.SECONDS));
      StringBuilder causes = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        causes.append(t).append('\n');
      }
      assertNotNull(e.getCause());
      assertTrue(causes.toString().contains("No subject alternative DNS name matching localhost"),
          causes.toString());
    } finally {
      server.shutdownNow();
    }
  }
}
