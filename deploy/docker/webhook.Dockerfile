# The webhook: one executable jar on a distroless Java 17 runtime, as non-root.
# Build from the repo root after `mvn -B install -DskipTests`:
#   docker build -f deploy/docker/webhook.Dockerfile -t inmesh/inmesh-webhook:0.1.0 .
FROM gcr.io/distroless/java17-debian12:nonroot
COPY webhook/target/inmesh-webhook.jar /opt/inmesh/inmesh-webhook.jar
USER 65532:65532
EXPOSE 9443
# Settings come from the environment: INMESH_WEBHOOK_PORT, INMESH_WEBHOOK_TLS_CERT, INMESH_WEBHOOK_TLS_KEY,
# INMESH_AGENT_IMAGE, INMESH_XDS_ADDRESS, INMESH_CLUSTER_ID (see docs/KUBERNETES.md)
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/inmesh/inmesh-webhook.jar"]
