# Sourced by bench/cluster-scale.sh and bench/cluster-threads.sh (not run on its own): building the cluster module,
# free UDP ports on 127.0.0.1, peer lists, and starting and killing the JVMs of io.corepin.cluster.demo.ThreeHosts.
# Expects to run from the repository root, with set -euo pipefail. cluster_start_host records each JVM's `timeout`
# in the array cluster_pids; cluster_kill_all (in cluster_setup's EXIT trap) kills them and their JVMs.

cluster_pids=()

# Builds the cluster module offline and lists its runtime classpath, unless $1 is "none".
cluster_build() {
  [ "${1:-}" != none ] || return 0
  mvn -o -B -q -Dstyle.color=never -pl cluster -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null 2>&1 \
    || { echo "build failed: run mvn -o -B -pl cluster -am package -DskipTests to see why" >&2; exit 1; }
}

# Builds (unless $2 is "none"), makes the fresh directory $work (/dev/shm/corepin-$1-XXXXXX) and sets the traps that
# kill every host and remove it at exit.
cluster_setup() {
  cluster_build "$2"
  work=$(mktemp -d "/dev/shm/corepin-$1-XXXXXX" 2>/dev/null || mktemp -d)
  trap 'cluster_kill_all; wait 2>/dev/null || true; rm -rf "$work"' EXIT
  trap 'exit 143' INT TERM
}

# N free UDP ports on 127.0.0.1, space-separated.
cluster_free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
ss = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
PY
}

# The ThreeHosts peer list for N hosts of EXECS Execs each on fresh ports: "1:E:127.0.0.1:p1,2:E:127.0.0.1:p2,...".
cluster_peers() {
  local n=$1 execs=$2 peers="" h ports
  read -r -a ports <<<"$(cluster_free_ports "$n")"
  for ((h = 1; h <= n; h++)); do
    peers+="${peers:+,}$h:$execs:127.0.0.1:${ports[$((h - 1))]}"
  done
  echo "$peers"
}

# Starts host H (EXECS Execs, sending SECONDS s, PEERS, its Aeron directory DIR, output to LOG) in the background,
# killed after SECONDS + 120 s whatever happens; extra JVM options after LOG.
cluster_start_host() {
  local h=$1 execs=$2 seconds=$3 peers=$4 dir=$5 log=$6
  shift 6
  timeout -s KILL $((seconds + 120)) "${JAVA_HOME:+$JAVA_HOME/bin/}java" \
    --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -XX:+UseParallelGC -Xms128m -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" \
    -cp "cluster/target/classes:$(cat cluster/target/classpath.txt)" io.corepin.cluster.demo.ThreeHosts \
    "$h" "$execs" "$seconds" "$peers" "$dir" >"$log" 2>&1 &
  cluster_pids+=($!)
}

# Kills every started host's JVM and its timeout.
cluster_kill_all() {
  local p
  for p in "${cluster_pids[@]}"; do pkill -KILL -P "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
  cluster_pids=()
}
