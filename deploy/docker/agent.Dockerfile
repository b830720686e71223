# The init container image: the agent jar in a tiny image with cp (busybox, ~4 MB).
# The webhook runs: cp /opt/inmesh/inmesh-agent.jar /inmesh/inmesh-agent.jar
# Build from the repo root after `mvn -B install -DskipTests`:
#   docker build -f deploy/docker/agent.Dockerfile -t inmesh/inmesh-agent:0.1.0 .
FROM busybox:1.36.1-musl
COPY agent-bootstrap/target/inmesh-agent.jar /opt/inmesh/inmesh-agent.jar
# world-readable, so an application running as any user can load the copy
RUN chmod 0444 /opt/inmesh/inmesh-agent.jar
USER 65532:65532
ENTRYPOINT ["cp", "/opt/inmesh/inmesh-agent.jar", "/inmesh/inmesh-agent.jar"]
