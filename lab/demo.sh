#!/usr/bin/env bash
# jlvs demo: the DR lab of seed tutorial 001 with jlvsd forwarding, in under 30 s.
#
#   lab up dr (2 real servers) -> jlvsd runs in jlvs-director -> 10 HTTP requests from the
#   client to the VIP, each printing the real server that answered -> the service listing
#   (ipvsadm -Ln format, from jlvsd's status file) -> lab down.
#
# Everything is torn down on exit, also on Ctrl-C. Needs root; 'jlvs demo --simulate' shows the
# schedulers without root.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$LAB_DIR/lab.sh
# shellcheck source=prefix.sh
. "$LAB_DIR/prefix.sh"
VIP=192.168.188.100
REQUESTS=10

if [ "$(id -u)" -ne 0 ]; then
    echo "jlvs demo: needs root (network namespaces, packet sockets, nftables); run 'sudo bin/jlvs demo', or 'bin/jlvs demo --simulate' for the schedulers alone" >&2
    exit 2
fi
for tool in ip nft curl; do
    command -v "$tool" > /dev/null || { echo "jlvs demo: '$tool' is not installed (apt-get install iproute2 nftables curl)" >&2; exit 2; }
done
if [ -f "$RUN/state" ] || ip netns list 2>/dev/null | grep -qE "$NS_PATTERN"; then
    echo "jlvs demo: a jlvs lab is up already; run 'bin/jlvs lab down' first" >&2
    exit 1
fi

interrupted=false
# lab up writes here; when Ctrl-C interrupts it, it tears down what it built and says so here.
up_log=$(mktemp "${TMPDIR:-/tmp}/jlvs-demo-up.XXXXXX")
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if $interrupted && grep -q 'did not finish' "$up_log"; then
        sed -n 's/^jlvs lab: //p; /^lab down: /p' "$up_log"
    fi
    rm -f "$up_log"
    if [ -f "$RUN/state" ] || ip netns list 2>/dev/null | grep -qE "$NS_PATTERN"; then
        echo
        echo "\$ jlvs lab down"
        bash "$LAB" down || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'interrupted=true; echo; echo "jlvs demo: interrupted"; exit 130' INT TERM

started=$SECONDS
echo "\$ jlvs lab up dr --servers 2   (client -> router -> director running jlvsd -> rs1, rs2 by direct routing)"
if ! bash "$LAB" up dr --servers 2 > "$up_log" 2>&1; then
    cat "$up_log" >&2
    echo "jlvs demo: lab up failed" >&2
    exit 2
fi
echo "lab up: $(sed -n 's/^jlvs lab: //p' "$up_log" | head -n 1), jlvsd pid $(awk '$3 == "director-jlvsd" {print $2}' "$RUN/pids")"
echo
echo "\$ for i in \$(seq $REQUESTS); do jlvs lab exec client -- curl -s http://$VIP/; done"
failures=0
for i in $(seq 1 "$REQUESTS"); do
    if answer=$(ip netns exec "${NS_PREFIX}client" curl -s --max-time 3 "http://$VIP/"); then
        printf 'request %2d: answered by %s\n' "$i" "$answer"
    else
        printf 'request %2d: FAILED (curl exit %s)\n' "$i" "$?"
        failures=$((failures + 1))
    fi
done
echo
# jlvsd rewrites its status file every second; wait for one written after the requests.
marker=$(date +%s.%N)
for _ in $(seq 1 30); do
    [ -f "$RUN/jlvsd.status" ] && [ "$(stat -c %.9Y "$RUN/jlvsd.status")" \> "$marker" ] && break
    sleep 0.1
done
echo "\$ ipvsadm -Ln   (jlvsd's listing, lab/run/jlvsd.status)"
cat "$RUN/jlvsd.status"
trap - EXIT
cleanup_status=0
echo
echo "\$ jlvs lab down"
bash "$LAB" down || cleanup_status=$?
rm -f "$up_log"
echo "demo done in $((SECONDS - started)) s"
if [ "$failures" -gt 0 ] || [ "$cleanup_status" -ne 0 ]; then
    exit 1
fi
