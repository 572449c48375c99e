#!/usr/bin/env bash
# redis-benchmark against redis-server and corepin's resp-kv server, one at a time on the same machine, and a
# Markdown table for RESULTS.md (rows: set/get x -P 1/-P 16; columns: redis-server req/s, corepin req/s, ratio).
#   bash bench/resp-bench.sh [-n 1000000] [-c 50] [--warmup 200000] [--accept reuseport|hash] [--execs N]
#                            [--only corepin|redis]
# Installs redis-server and redis-tools from Debian's packages if they are missing (needs root).
# Extra redis-benchmark arguments (e.g. RB_ARGS="-r 100000" for random keys) go in RB_ARGS; extra corepin server
# options (see examples/resp-kv/run.sh --help) in COREPIN_ARGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

requests=1000000
warmup=200000
clients=50
accept=reuseport
execs=""
only=""
redis_port=${REDIS_PORT:-6400}
corepin_port=${COREPIN_PORT:-6401}
while [ $# -gt 0 ]; do
  case "$1" in
    -n) requests=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --accept) accept=$2; shift 2 ;;
    --execs) execs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  echo "installing redis-server and redis-tools from Debian's packages..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi

mkdir -p bench/results
log=bench/results/resp-bench.log
: > "$log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

wait_ready() { # port
  for _ in $(seq 1 200); do
    if [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not answer PING; see $log" >&2
  exit 1
}

stop_server() { # SIGTERM: a background job ignores SIGINT, and then so does the JVM
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

declare -A rps
run_suite() { # name port
  # the same untimed warm-up for both servers (it mostly matters for corepin's JIT)
  redis-benchmark -p "$2" -t set,get -n "$warmup" -c "$clients" -P 16 -q >/dev/null 2>>"$log"
  for p in 1 16; do
    # --csv prints "test","rps",...: keep the first two fields of the SET and GET lines
    # shellcheck disable=SC2086
    redis-benchmark -p "$2" -t set,get -n "$requests" -c "$clients" -P "$p" --csv ${RB_ARGS:-} 2>>"$log" \
      | tr -d '"' | awk -F, -v name="$1" -v p="$p" '$1=="SET"||$1=="GET" {print name, tolower($1), p, $2}' \
      > bench/results/resp-bench-"$1"-P"$p".txt
    while read -r name test pl value; do
      rps["$name,$test,$pl"]=$value
    done < bench/results/resp-bench-"$1"-P"$p".txt
  done
}

echo "$(java -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3); $(nproc) CPUs;" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "redis-benchmark -t set,get -n $requests -c $clients -P 1|16 ${RB_ARGS:-} (after -n $warmup -P 16 untimed); corepin: --accept $accept${execs:+ --execs $execs} ${COREPIN_ARGS:-}"

if [ "$only" != corepin ]; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >>"$log" 2>&1 &
  server_pid=$!
  wait_ready "$redis_port"
  run_suite redis "$redis_port"
  stop_server
fi

if [ "$only" != redis ]; then
  mvn -B -q -Dstyle.color=never -pl examples -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >bench/results/resp-bench-build.log 2>&1 \
    || { cat bench/results/resp-bench-build.log >&2; exit 1; }
  # shellcheck disable=SC2086
  RESP_KV_BUILD=none bash examples/resp-kv/run.sh --port "$corepin_port" --accept "$accept" ${execs:+--execs "$execs"} \
    ${COREPIN_ARGS:-} >>"$log" 2>&1 &
  server_pid=$!
  wait_ready "$corepin_port"
  grep -E "listening|core [0-9]" "$log" | sed 's/^/  /'
  run_suite corepin "$corepin_port"
  stop_server
fi

echo "done $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| test | redis-server req/s | corepin req/s | corepin / redis-server |"
echo "|---|---:|---:|---:|"
for test in set get; do
  for p in 1 16; do
    r=${rps["redis,$test,$p"]:-}
    c=${rps["corepin,$test,$p"]:-}
    ratio=$(awk -v r="$r" -v c="$c" 'BEGIN { if (r > 0 && c > 0) printf "%.2f", c / r; else print "-" }')
    printf '| %s -P %s | %s | %s | %s |\n' "${test^^}" "$p" "${r:--}" "${c:--}" "$ratio"
  done
done
