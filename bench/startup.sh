#!/usr/bin/env bash
# Start-up cost of the agent: median wall time of a trivial JVM (start, main, exit) over N runs,
# without the agent, with the agent and no bootstrap, and with a bootstrap and a live xDS server.
# Usage: bench/startup.sh [N]   (after `mvn -B -q install -DskipTests`)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-15}
JAR=agent-bootstrap/target/inmesh-agent.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -q install -DskipTests"; exit 2; }
WORK=$(mktemp -d)
trap 'kill $CP_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat > "$WORK/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$WORK" "$WORK/Hello.java"

# A live xDS server: the examples control plane serving the demo's resources.
CP_CP=$(cd examples && mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout):examples/target/classes
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -cp "$CP_CP" io.inmesh.examples.controlplane.ControlPlaneMain --file examples/demo/mesh.json \
  --port "$PORT" --set V1_PORT=18081 --set V2_PORT=18082 > "$WORK/cp.log" 2>&1 &
CP_PID=$!
sleep 3
cat > "$WORK/bootstrap.json" <<JSON
{"xds_servers":[{"server_uri":"127.0.0.1:$PORT","channel_creds":[{"type":"insecure"}],"server_features":["xds_v3"]}],
 "node":{"id":"sidecar~127.0.0.1~hello.default~default.svc.cluster.local","metadata":{"GENERATOR":"grpc","NAMESPACE":"default"}}}
JSON

median_ms() { # command...
  local times=()
  for _ in $(seq "$N"); do
    local s e
    s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

"java" -javaagent:$JAR -cp "$WORK" Hello > /dev/null 2>&1 # unpack the nested jars once
BASE=$(median_ms java -cp "$WORK" Hello)
IDLE=$(median_ms java -javaagent:$JAR -cp "$WORK" Hello)
LIVE=$(median_ms java -javaagent:$JAR=bootstrap=$WORK/bootstrap.json -cp "$WORK" Hello)
echo "runs per variant: $N, java: $(java -version 2>&1 | head -1)"
echo "agent jar: $(du -k "$JAR" | cut -f1) KiB"
printf '%-44s %6s ms\n' "no agent" "$BASE"
printf '%-44s %6s ms  (+%s ms)\n' "agent, no bootstrap" "$IDLE" "$((IDLE - BASE))"
printf '%-44s %6s ms  (+%s ms)\n' "agent, bootstrap, live xDS server" "$LIVE" "$((LIVE - BASE))"
