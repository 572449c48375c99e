#!/usr/bin/env bash
# Real UDP packets through the kernel: corepin's UDP echo in each mode (reuseport: one SO_REUSEPORT socket per pinned
# Exec, polled by the Exec; dispatch: one socket polled by Exec 0, datagrams handed by flow key to their Exec) against
# a Netty epoll peer doing the same per-packet work, all driven by sockperf over loopback, in one run.
#   bash examples/udp-echo.sh [--seconds 5] [--server-cpus 1] [--client-cpu 0] [--msg 64] [--contenders corepin,netty]
#        [--modes reuseport,dispatch] [--clients 1] [--rounds 1]
# For each contender (corepin once per mode), --rounds times over, interleaved: sockperf throughput (--mps=max, T s;
# --clients parallel senders, one flow each) then sockperf ping-pong (T s, one flow), each against a fresh server.
# Prints replies/s per core (datagrams the server answered / its active time / cores), loss (sockperf sent minus
# server replies: the socket's drops, and in dispatch mode datagrams read but dropped at the hand-off), the kernel's UDP receive-buffer drops (/proc/net/snmp, host-wide) and sockperf's p50/p99.
# Installs sockperf (Debian package) if missing. Set UDP_ECHO_BUILD=none to skip the build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=5; server_cpus=1; client_cpu=0; msg=64; contenders=corepin,netty; modes=reuseport,dispatch; clients=1
rounds=1; port=${UDP_ECHO_PORT:-19999}
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --server-cpus) server_cpus=$2; shift 2 ;;
    --client-cpu) client_cpu=$2; shift 2 ;;
    --msg) msg=$2; shift 2 ;;
    --contenders) contenders=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "--seconds needs a positive integer, got '$seconds'" >&2; exit 2; }
[[ "$msg" =~ ^[0-9]+$ ]] && [ "$msg" -ge 24 ] && [ "$msg" -le 2048 ] \
  || { echo "--msg must be in [24, 2048] bytes, got '$msg'" >&2; exit 2; }
[[ "$clients" =~ ^[1-9][0-9]*$ ]] && [ "$clients" -le 16 ] \
  || { echo "--clients must be in [1, 16], got '$clients'" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive integer, got '$rounds'" >&2; exit 2; }
for m in ${modes//,/ }; do
  case "$m" in reuseport|dispatch) ;; *) echo "--modes takes reuseport,dispatch; got '$m'" >&2; exit 2 ;; esac
done
who_list=()
for c in ${contenders//,/ }; do
  case "$c" in
    corepin) for m in ${modes//,/ }; do who_list+=("corepin-$m"); done ;;
    netty) who_list+=(netty) ;;
    *) echo "unknown contender $c (corepin, netty)" >&2; exit 2 ;;
  esac
done

if ! command -v sockperf >/dev/null; then
  echo "== installing sockperf"
  apt-get update -qq >/dev/null && apt-get install -y -qq sockperf >/dev/null
fi
if [ "${UDP_ECHO_BUILD:-reactor}" != none ]; then
  mvn -B -q -Dstyle.color=never -pl examples -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null 2>&1 \
    || { echo "build failed: run mvn -B -pl examples -am package -DskipTests to see why" >&2; exit 1; }
fi
cp="examples/target/classes:$(cat examples/target/classpath.txt)"
java_cmd=(java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms512m -Xmx512m -cp "$cp")
cores=$(awk -F, '{print NF}' <<<"$server_cpus")
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

rcvbuf_errors() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' /proc/net/snmp; }

start_server() { # $1 contender, $2 log
  local main extra=()
  case "$1" in
    corepin-*) main=io.corepin.examples.udp.UdpEchoMain; extra=(--mode "${1#corepin-}") ;;
    netty) main=io.corepin.examples.udp.NettyUdpEcho ;;
    *) echo "unknown contender $1 (corepin, netty)" >&2; exit 2 ;;
  esac
  "${java_cmd[@]}" "$main" --port "$port" --cpus "$server_cpus" "${extra[@]}" --quiet >"$2" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q "on port" "$2" && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$2" >&2; echo "$1 server died" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 server did not start in 30 s" >&2; cat "$2" >&2; exit 1
}

stop_server() { # $1 log; sets result to its RESULT line (not in a subshell: wait needs the server as a child)
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  result=$(grep '^RESULT' "$1") || { cat "$1" >&2; echo "no RESULT line" >&2; exit 1; }
}

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }

rows=()
for round in $(seq 1 "$rounds"); do
for who in "${who_list[@]}"; do
  echo "== round $round/$rounds, $who: sockperf throughput, $seconds s, $clients sender(s), $msg-byte datagrams, server on CPU(s) $server_cpus, client on CPU $client_cpu"
  log="$work/$who-tp.log"
  start_server "$who" "$log"
  drops0=$(rcvbuf_errors)
  tp_pids=()
  for c in $(seq 1 "$clients"); do # each sender its own socket: one flow each
    taskset -c "$client_cpu" sockperf tp -i 127.0.0.1 -p "$port" -t "$seconds" -m "$msg" --mps=max \
      >"$work/tp-$c.out" 2>&1 &
    tp_pids+=($!)
  done
  for p in "${tp_pids[@]}"; do wait "$p" || true; done
  tp=$(cat "$work"/tp-*.out); rm -f "$work"/tp-*.out
  sleep 0.5 # the server drains its socket
  stop_server "$log"
  drops1=$(rcvbuf_errors)
  sent=$(sed -n 's/.*Total of \([0-9]*\) messages sent.*/\1/p' <<<"$tp" | awk '{ s += $1 } END { if (NR) print s }')
  rx=$(field rx "$result"); tx=$(field tx "$result"); active=$(field activeNanos "$result")
  [ -n "$sent" ] && [ -n "$tx" ] || { echo "$tp" >&2; echo "$result" >&2; echo "could not parse sockperf/server output" >&2; exit 1; }
  pps=$(awk -v tx="$tx" -v ns="$active" -v c="$cores" 'BEGIN { printf "%.0f", (ns > 0 ? tx / (ns / 1e9) / c : 0) }')
  loss=$(awk -v s="$sent" -v r="$tx" 'BEGIN { printf "%.2f", (s > 0 ? 100 * (s - r) / s : 0) }')
  echo "   sockperf sent $sent, server received $rx ($(field tx "$result") replied, $(field replyDrops "$result") reply drops, $(field dispatchDrops "$result") dispatch drops), kernel RcvbufErrors +$((drops1 - drops0)) (host-wide: the server socket's drops plus the replies sockperf tp never reads)"

  echo "== $who: sockperf ping-pong, $seconds s"
  log="$work/$who-pp.log"
  start_server "$who" "$log"
  pp=$(taskset -c "$client_cpu" sockperf pp -i 127.0.0.1 -p "$port" -t "$seconds" -m "$msg" 2>&1)
  stop_server "$log"
  p50=$(sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' <<<"$pp")
  p99=$(sed -n 's/.*percentile 99.000 = *\([0-9.]*\).*/\1/p' <<<"$pp")
  [ -n "$p50" ] || { echo "$pp" >&2; echo "sockperf ping-pong gave no percentiles" >&2; exit 1; }
  echo "   $(grep -m1 'dropped messages' <<<"$pp" | sed 's/^sockperf: //')"
  rows+=("$(printf '| %5s | %-17s | %14s | %6s%% | %10s | %10s |' "$round" "$who" "$pps" "$loss" "$p50" "$p99")")
done
done

echo
echo "UDP echo over loopback, $msg-byte datagrams, $cores server core(s) (CPU $server_cpus), sockperf on CPU $client_cpu ($clients tp sender(s)), $seconds s per phase"
echo "| round | server            | replies/s/core |   loss  | p50 (µs)   | p99 (µs)   |"
echo "|-------|-------------------|----------------|---------|------------|------------|"
printf '%s\n' "${rows[@]}"
