#!/usr/bin/env bash
# The three-hosts example across network namespaces (not in CI; needs root): three `ip netns` "hosts", each with one
# veth into a fourth namespace holding a bridge (10.77.<n>.1-3/24; nothing touches the root namespace's network), with
# `tc netem` delay and loss on every host's interface (without netem in the kernel: loss only, by Aeron's receive-side
# loss generator), then cluster/three-hosts.sh with one host per namespace.
#   sudo bash cluster/netns-test.sh [--seconds 5] [--delay 1ms] [--loss 1%] [--no-netem]
# Passes (exit 0) when the demo's counters say: every increment handled exactly once, on its key's (host, Exec), in
# order per sender. Everything it made is removed at exit (trap). Where namespaces cannot be made (not root, no
# `ip`, no permission) it prints "skipped: <why>" and exits 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=5; delay=1ms; loss=1%; netem=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --delay) delay=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --no-netem) netem=0; shift ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$delay" =~ ^[0-9]+(us|ms)$ ]] || { echo "--delay takes e.g. 1ms or 500us, got '$delay'" >&2; exit 2; }
[[ "$loss" =~ ^[0-9]+(\.[0-9]+)?%$ ]] || { echo "--loss takes e.g. 1% or 0.5%, got '$loss'" >&2; exit 2; }

skip() { echo "skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root to make network namespaces (run with sudo)"
command -v ip >/dev/null || skip "no 'ip' command (iproute2)"
tag="cpn$$"
br="$tag-br"
net=$(( ($$ % 200) + 20 ))   # 10.77.<net>.0/24, per run
made=()
demo=
cleanup() {
  if [ -n "$demo" ] && kill -TERM "$demo" 2>/dev/null; then wait "$demo" 2>/dev/null || true; fi
  for ns in "${made[@]}"; do ip netns del "$ns" 2>/dev/null || true; done   # deleting a namespace drops its veths
}
trap cleanup EXIT
trap 'exit 143' INT TERM   # exit runs the EXIT trap: cleanup once
ip netns add "$br" 2>/dev/null || skip "cannot create a network namespace here ($(ip netns add "$br" 2>&1 | head -1))"
made+=("$br")
ip -n "$br" link add br0 type bridge || skip "cannot create a bridge in a namespace"
ip -n "$br" link set br0 up
addrs=()
for h in 1 2 3; do
  ns="$tag-h$h"
  ip netns add "$ns"; made+=("$ns")
  ip -n "$ns" link set lo up
  ip link add "$tag-v$h" netns "$ns" type veth peer name "p$h" netns "$br" \
    || skip "cannot create a veth pair between namespaces"
  ip -n "$br" link set "p$h" master br0 up
  ip -n "$ns" link set "$tag-v$h" name eth0
  ip -n "$ns" addr add "10.77.$net.$h/24" dev eth0
  ip -n "$ns" link set eth0 up
  addrs+=("10.77.$net.$h")
done
netem_note="no netem"
if [ "$netem" -eq 1 ]; then
  if command -v tc >/dev/null && ip netns exec "$tag-h1" tc qdisc add dev eth0 root netem delay "$delay" loss "$loss" 2>/dev/null; then
    for h in 2 3; do ip netns exec "$tag-h$h" tc qdisc add dev eth0 root netem delay "$delay" loss "$loss"; done
    netem_note="netem delay $delay loss $loss on every host's eth0 (each way: a round trip between two hosts sees it twice)"
  else
    # no netem in this kernel: drop received data frames in Aeron's own receiver instead (its debug endpoint), at the
    # same rate; no delay then. Aeron NAKs and resends what was dropped, as it would on a lossy link.
    rate=$(awk -v l="${loss%\%}" 'BEGIN { printf "%.6f", l / 100 }')
    aeron_loss="-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier"
    aeron_loss+=" -Daeron.debug.receive.data.loss.rate=$rate -Daeron.debug.receive.data.loss.seed=$$"
    export THREE_HOSTS_JAVA_OPTS="${THREE_HOSTS_JAVA_OPTS:-} $aeron_loss"
    netem_note="netem unavailable here (tc: $(ip netns exec "$tag-h1" tc qdisc add dev eth0 root netem delay "$delay" 2>&1 | head -1 || true));"
    netem_note+=" instead Aeron's receiver drops $loss of received data frames (no delay)"
  fi
fi
echo "namespaces $tag-h1..3 on bridge $br, hosts ${addrs[*]}; $netem_note"
# in the background, so a TERM here stops it (its own trap kills its JVMs) before the namespaces go
THREE_HOSTS_ADDRS="$(IFS=,; echo "${addrs[*]}")" THREE_HOSTS_NS="$tag-h1,$tag-h2,$tag-h3" \
  bash cluster/three-hosts.sh --seconds "$seconds" --timeout $(( seconds + 150 )) &
demo=$!
wait "$demo"
