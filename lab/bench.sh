#!/usr/bin/env bash
# jlvs bench lab: jlvs side by side with what an operator would run instead, in the tutorials'
# lab, every target measured in the same run, in interleaved rounds.
#
#   bench.sh [--rounds N] [--duration S] [--flood-rate PPS] [--targets a,b,...] [--workers N] [--out DIR] [--docs]
#
# Per round and target: wrk keep-alive (-t2 -c50), wrk with "Connection: close", one
# connection's latency (wrk -t1 -c1, p50), and a bounded 64-byte SYN flood (1000 flows, paced
# at --flood-rate, after a warm-up) from the router (DR and TUN labs) or the client (NAT lab):
# frames offered, frames reaching the real servers, frames the director received, jlvsd's
# forwarded and drop counters, and jlvsd's CPU time per forwarded frame. The raw figures go to
# DIR/raw.tsv; io.jlvs.bench.lab.LabReport writes the medians table, JSON and the chart.
# Every load is bounded in time and stays inside the lab's namespaces.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=prefix.sh
. "$LAB_DIR/prefix.sh"
JLVS_ROOT=$(cd "$LAB_DIR/.." && pwd)
. "$JLVS_ROOT/bin/lib/common.sh"

ALL_TARGETS="ideal nft-dr jlvs-dr-xdp jlvs-dr-packet jlvs-tun-xdp jlvs-tun-packet ideal-nat nft haproxy jlvs-nat-xdp jlvs-nat-packet"
ROUNDS=3
DURATION=10
FLOOD_RATE=300000
FLOOD_FLOWS=1000
WARMUP_S=3
TARGETS=$ALL_TARGETS
WORKERS=1
OUT=$JLVS_ROOT/lab/bench-out
DOCS=false
LAB_UP=false
FLOOD_SOURCE=198.51.100.7

usage() {
    cat <<'USAGE'
usage: jlvs bench lab [--rounds N] [--duration S] [--flood-rate PPS] [--targets LIST] [--workers N]
                     [--out DIR] [--docs]

  Builds the tutorials' lab for each target in turn and measures it, all targets once per
  round (default 3 rounds, 10 s per load): wrk keep-alive and Connection: close with 50
  connections, one connection's p50 latency, and a 64-byte SYN flood of 1000 flows offered
  at --flood-rate frames/s (default 300000). Prints progress, then a table of medians with
  min-max and the ratio to ideal; writes raw.tsv, bench-lab.json, bench-lab.md, bench-lab.svg
  (and .png with rsvg-convert) to --out (default lab/bench-out). --workers sets jlvsd's
  worker threads (default 1, as in the tutorials). --docs also copies the
  table and chart to docs/ and regenerates the README's performance section.

  targets: ideal        the client to both real servers directly (DR lab, no balancer)
           nft-dr       nftables netdev MAC rewrite on the director (stateless DR stand-in)
           jlvs-dr-xdp, jlvs-dr-packet, jlvs-tun-xdp, jlvs-tun-packet
           ideal-nat    the client to both real servers through the director's kernel routing
           nft          nftables DNAT, numgen inc mod 2, on the director (NAT lab)
           haproxy      HAProxy mode tcp roundrobin on the director (NAT lab)
           jlvs-nat-xdp, jlvs-nat-packet
USAGE
}

die() {
    echo "jlvs bench lab: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=${2:-}; shift 2 || die "--rounds needs a number" ;;
        --duration) DURATION=${2:-}; shift 2 || die "--duration needs seconds" ;;
        --flood-rate) FLOOD_RATE=${2:-}; shift 2 || die "--flood-rate needs frames/s" ;;
        --targets) TARGETS=${2//,/ }; shift 2 || die "--targets needs a list" ;;
        --workers) WORKERS=${2:-}; shift 2 || die "--workers needs a number" ;;
        --out) OUT=${2:-}; shift 2 || die "--out needs a directory" ;;
        --docs) DOCS=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "--rounds must be 1..99, was '$ROUNDS'"
[[ $DURATION =~ ^[1-9][0-9]{0,2}$ ]] || die "--duration must be 1..999 s, was '$DURATION'"
[[ $WORKERS =~ ^[1-8]$ ]] || die "--workers must be 1..8, was '$WORKERS'"
[[ $FLOOD_RATE =~ ^[1-9][0-9]{3,7}$ ]] || die "--flood-rate must be 1000..99999999 frames/s, was '$FLOOD_RATE'"
for t in $TARGETS; do
    [[ " $ALL_TARGETS " == *" $t "* ]] || die "unknown target '$t'; targets: $ALL_TARGETS"
done
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, raw sockets)"
jlvs_ensure_packages "the lab benchmark needs them" ip:iproute2 nft:nftables curl:curl wrk:wrk nginx:nginx-light \
    haproxy:haproxy rsvg-convert:librsvg2-bin || exit 2
jlvs_find_java
jlvs_ensure_built
[ -e "$RUN/state" ] && die "a lab is up already; run 'jlvs lab down' first"

mkdir -p "$OUT"
RAW=$OUT/raw.tsv
: > "$RAW"
round=0
target=""

lab() {
    "$LAB_DIR/lab.sh" "$@"
}

in_ns() {
    local ns=$1
    shift
    ip netns exec "$NS_PREFIX$ns" "$@"
}

cleanup() {
    if $LAB_UP; then
        lab down > /dev/null 2>&1 || true
        LAB_UP=false
    fi
}
trap cleanup EXIT
trap 'echo "jlvs bench lab: interrupted; the lab is taken down" >&2; exit 130' INT TERM

record() {
    printf '%s\t%s\t%s\t%s\n' "$round" "$target" "$1" "$2" >> "$RAW"
}

# wrk's figure in milliseconds: "512.00us", "1.20ms", "2.00s".
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
        printf "%.4f", n }'
}

# wrk_run CONNECTIONS THREADS EXTRA_HEADER URL...: runs one wrk per URL (connections split
# between them, as a client that spreads over the servers itself), sums requests/s and keeps
# the first one's p50. Prints "RPS P50_MS ERRORS".
wrk_run() {
    local connections=$1 threads=$2 header=$3
    shift 3
    local n=$# i=0 url files=() pids=()
    for url in "$@"; do
        local f
        f=$(mktemp)
        files+=("$f")
        local args=(-t "$threads" -c $((connections / n)) -d "${DURATION}s" --timeout 5s --latency)
        [ -n "$header" ] && args+=(-H "$header")
        in_ns client wrk "${args[@]}" "$url" > "$f" 2>&1 &
        pids+=($!)
        i=$((i + 1))
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || true
    done
    local rps=0 p50="" errors=0 f
    for f in "${files[@]}"; do
        local r e
        r=$(awk '/^Requests\/sec:/ {print $2}' "$f")
        rps=$(awk -v a="$rps" -v b="${r:-0}" 'BEGIN {printf "%.2f", a + b}')
        [ -z "$p50" ] && p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")
        e=$(awk '/Socket errors/ {s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s}' "$f")
        errors=$((errors + ${e:-0}))
        grep -q 'Non-2xx' "$f" && errors=$((errors + $(awk '/Non-2xx/ {print $NF}' "$f")))
        rm -f "$f"
    done
    echo "$rps ${p50:-0} $errors"
}

ifstat() {
    in_ns "$1" cat "/sys/class/net/$2/statistics/$3"
}

mac_of() {
    in_ns "$1" cat "/sys/class/net/$2/address"
}

# metric FAMILY [LABEL_FILTER]: the sum of jlvsd's samples of FAMILY (0 without jlvsd).
metric() {
    [ -n "$JLVSD_PID" ] || { echo 0; return; }
    in_ns director curl -s --max-time 5 http://127.0.0.1:9180/metrics \
        | awk -v f="$1" -v l="${2:-}" 'index($0, f "{") == 1 && index($0, l) > 0 {s += $NF} END {printf "%d", s}'
}

cpu_ticks() {
    [ -n "$JLVSD_PID" ] || { echo 0; return; }
    awk '{print $14 + $15}' "/proc/$JLVSD_PID/stat"
}

# The lab and the balancer of a target; sets URLS (what the client loads), VIP_URL, the flood
# (FLOOD_NS FLOOD_IF FLOOD_MAC FLOOD_DST), DIRECTOR_IF (where the flood enters the director)
# and SERVER_IFS ("ns:if" of the real servers).
setup() {
    JLVSD_PID=""
    LAB_UP=true
    FLOOD_NS=router FLOOD_IF=eth0 DIRECTOR_IF=eth0
    case "$target" in
        ideal)
            lab up dr --no-jlvsd > /dev/null
            URLS="http://192.168.188.81/ http://192.168.188.82/"
            FLOOD_MAC=$(mac_of rs1 eth0) FLOOD_DST=192.168.188.81 DIRECTOR_IF="" ;;
        nft-dr)
            lab up dr --no-jlvsd > /dev/null
            local m1 m2 own
            m1=$(mac_of rs1 eth0) m2=$(mac_of rs2 eth0) own=$(mac_of director eth0)
            in_ns director nft -f - <<EOF
table netdev bench {
    chain ingress {
        type filter hook ingress device eth0 priority -500;
        ip daddr 192.168.188.100 tcp dport 80 ether saddr set $own ether daddr set jhash ip saddr . tcp sport mod 2 map { 0 : $m1, 1 : $m2 } fwd to eth0
    }
}
EOF
            URLS="http://192.168.188.100/"
            FLOOD_MAC=$(mac_of director eth0) FLOOD_DST=192.168.188.100 ;;
        jlvs-dr-*|jlvs-tun-*)
            local mode=${target#jlvs-} io
            io=${mode#*-}
            mode=${mode%%-*}
            [ "$io" = xdp ] && io=af_xdp || io=af_packet
            lab up "$mode" --io "$io" --workers "$WORKERS" > /dev/null
            grep -q "jlvsd: io $io (" "$RUN/director-jlvsd.log" \
                || die "$target: jlvsd did not start on $io: $(grep 'jlvsd: io' "$RUN/director-jlvsd.log")"
            JLVSD_PID=$(pgrep -f "io.jlvs.director.Jlvsd --config $RUN/director.yaml" | head -1)
            URLS="http://192.168.188.100/"
            FLOOD_MAC=$(mac_of director eth0) FLOOD_DST=192.168.188.100 ;;
        ideal-nat)
            lab up nat --no-jlvsd > /dev/null
            URLS="http://192.168.188.82/ http://192.168.188.83/"
            FLOOD_NS=client FLOOD_MAC=$(mac_of director eth1) FLOOD_DST=192.168.188.82 DIRECTOR_IF="eth1 eth0" ;;
        nft)
            lab up nat --no-jlvsd > /dev/null
            in_ns director nft -f - <<'EOF'
table ip bench {
    chain prerouting {
        type nat hook prerouting priority dstnat;
        ip daddr 192.168.10.100 tcp dport 80 dnat to numgen inc mod 2 map { 0 : 192.168.188.82, 1 : 192.168.188.83 }
    }
}
EOF
            URLS="http://192.168.10.100/"
            FLOOD_NS=client FLOOD_MAC=$(mac_of director eth1) FLOOD_DST=192.168.10.100 DIRECTOR_IF="eth1 eth0" ;;
        haproxy)
            lab up nat --no-jlvsd > /dev/null
            cat > "$OUT/haproxy.cfg" <<'EOF'
global
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend vip
    bind 192.168.10.100:80
    default_backend servers
backend servers
    balance roundrobin
    server rs1 192.168.188.82:80
    server rs2 192.168.188.83:80
EOF
            in_ns director haproxy -f "$OUT/haproxy.cfg" -D -p "$OUT/haproxy.pid"
            URLS="http://192.168.10.100/"
            FLOOD_NS="" DIRECTOR_IF="" ;;
        jlvs-nat-*)
            local io=${target#jlvs-nat-}
            [ "$io" = xdp ] && io=af_xdp || io=af_packet
            lab up nat --io "$io" --workers "$WORKERS" > /dev/null
            grep -q "jlvsd: io $io (" "$RUN/director-jlvsd.log" \
                || die "$target: jlvsd did not start on $io: $(grep 'jlvsd: io' "$RUN/director-jlvsd.log")"
            JLVSD_PID=$(pgrep -f "io.jlvs.director.Jlvsd --config $RUN/director.yaml" | head -1)
            URLS="http://192.168.10.100/"
            FLOOD_NS=client FLOOD_MAC=$(mac_of director eth1) FLOOD_DST=192.168.10.100 DIRECTOR_IF="eth1 eth0" ;;
    esac
    LAB_UP=true
    SERVER_IFS="rs1:eth0 rs2:eth0"
}

teardown() {
    if [ -f "$OUT/haproxy.pid" ]; then
        kill "$(cat "$OUT/haproxy.pid")" 2>/dev/null || true
        rm -f "$OUT/haproxy.pid"
    fi
    lab down > /dev/null
    LAB_UP=false
}

# Frames the director's interfaces received (all of them: with NAT the replies come in on eth0).
director_rx() {
    local sum=0 i
    for i in $DIRECTOR_IF; do
        sum=$((sum + $(ifstat director "$i" rx_packets)))
    done
    echo "$sum"
}

servers_rx() {
    local sum=0 s
    for s in $SERVER_IFS; do
        sum=$((sum + $(ifstat "${s%%:*}" "${s#*:}" rx_packets)))
    done
    echo "$sum"
}

flood() {
    local seconds=$1
    in_ns "$FLOOD_NS" "$JLVS_ROOT/bin/jlvs" flood --interface "$FLOOD_IF" --dst-mac "$FLOOD_MAC" \
        --src "$FLOOD_SOURCE" --dst "$FLOOD_DST" --flows "$FLOOD_FLOWS" --rate "$FLOOD_RATE" --seconds "$seconds" \
        | awk '{print $3}'
}

measure() {
    local r
    # Warm-up: the servers, the caches and jlvsd's JIT.
    DURATION=$WARMUP_S wrk_run 50 2 "" $URLS > /dev/null
    r=$(wrk_run 50 2 "" $URLS)
    record keepalive_rps "$(echo "$r" | cut -d' ' -f1)"
    record keepalive_p50_ms "$(echo "$r" | cut -d' ' -f2)"
    record keepalive_errors "$(echo "$r" | cut -d' ' -f3)"
    r=$(wrk_run 50 2 "Connection: close" $URLS)
    record close_rps "$(echo "$r" | cut -d' ' -f1)"
    record close_errors "$(echo "$r" | cut -d' ' -f3)"
    r=$(wrk_run 1 1 "" ${URLS%% *})
    record single_p50_ms "$(echo "$r" | cut -d' ' -f2)"
    record single_rps "$(echo "$r" | cut -d' ' -f1)"
    [ -n "$FLOOD_NS" ] || return 0
    flood "$WARMUP_S" > /dev/null
    sleep 1
    local sent0 srv0 dir0=0 fwd0 rcv0 io0 drop0 pass0 cpu0 sent srv dir=0 fwd rcv io drop pass cpu frames
    sent0=$(ifstat "$FLOOD_NS" "$FLOOD_IF" tx_packets) srv0=$(servers_rx)
    [ -n "$DIRECTOR_IF" ] && dir0=$(director_rx)
    fwd0=$(metric jlvs_worker_frames_total 'verdict="forwarded"') rcv0=$(metric jlvs_io_frames_received_total)
    io0=$(metric jlvs_io_drops_total) drop0=$(metric jlvs_worker_frames_total 'verdict="dropped"')
    pass0=$(metric jlvs_worker_frames_total 'verdict="passed"') cpu0=$(cpu_ticks)
    frames=$(flood "$DURATION")
    sleep 1
    sent=$(ifstat "$FLOOD_NS" "$FLOOD_IF" tx_packets) srv=$(servers_rx)
    [ -n "$DIRECTOR_IF" ] && dir=$(director_rx)
    fwd=$(metric jlvs_worker_frames_total 'verdict="forwarded"') rcv=$(metric jlvs_io_frames_received_total)
    io=$(metric jlvs_io_drops_total) drop=$(metric jlvs_worker_frames_total 'verdict="dropped"')
    pass=$(metric jlvs_worker_frames_total 'verdict="passed"') cpu=$(cpu_ticks)
    record flood_offered_pps "$(awk -v n="$((sent - sent0))" -v d="$DURATION" 'BEGIN {printf "%.0f", n / d}')"
    record flood_frames_generated "$frames"
    record flood_sent "$((sent - sent0))"
    record flood_delivered "$((srv - srv0))"
    record flood_delivered_pct "$(awk -v a="$((srv - srv0))" -v b="$((sent - sent0))" 'BEGIN {printf "%.2f", 100 * a / b}')"
    if [ -n "$DIRECTOR_IF" ]; then
        record flood_director_rx "$((dir - dir0))"
    fi
    if [ -n "$JLVSD_PID" ]; then
        local f=$((fwd - fwd0))
        record flood_forwarded "$f"
        record flood_received_by_jlvs "$((rcv - rcv0))"
        record flood_ring_drops "$((io - io0))"
        record flood_pipeline_drops "$((drop - drop0 + pass - pass0))"
        record flood_unforwarded "$((dir - dir0 - f))"
        record flood_counted_drops "$((io - io0 + drop - drop0 + pass - pass0))"
        record flood_cpu_us_per_frame "$(awk -v t="$((cpu - cpu0))" -v hz="$(getconf CLK_TCK)" -v f="$f" \
            'BEGIN {printf "%.3f", (f > 0 ? t * 1e6 / hz / f : 0)}')"
    fi
}

{
    echo -e "machine\t$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB, kernel $(uname -r)"
    echo -e "date\t$(date -u +%Y-%m-%dT%H:%MZ)"
    echo -e "command\tjlvs bench lab --rounds $ROUNDS --duration $DURATION --flood-rate $FLOOD_RATE --workers $WORKERS --targets ${TARGETS// /,}"
    echo -e "java\t$("$JLVS_JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo -e "flood\t$FLOOD_RATE frames/s of 64-byte SYNs from $FLOOD_FLOWS flows for $DURATION s"
} > "$OUT/meta.tsv"

echo "jlvs bench lab: $ROUNDS rounds of $(echo $TARGETS | wc -w) targets, ${DURATION} s per load; raw figures in $RAW"
for round in $(seq 1 "$ROUNDS"); do
    for target in $TARGETS; do
        started=$SECONDS
        setup
        measure
        teardown
        printf 'round %d/%d %-16s keep-alive %9s req/s  close %8s req/s  p50(1 conn) %7s ms  flood %s%% delivered (%ds)\n' \
            "$round" "$ROUNDS" "$target" \
            "$(awk -v r="$round" -v t="$target" '$1 == r && $2 == t && $3 == "keepalive_rps" {print $4}' "$RAW")" \
            "$(awk -v r="$round" -v t="$target" '$1 == r && $2 == t && $3 == "close_rps" {print $4}' "$RAW")" \
            "$(awk -v r="$round" -v t="$target" '$1 == r && $2 == t && $3 == "single_p50_ms" {print $4}' "$RAW")" \
            "$(awk -v r="$round" -v t="$target" '$1 == r && $2 == t && $3 == "flood_delivered_pct" {print $4}' "$RAW")" \
            "$((SECONDS - started))"
    done
done

report_args=("$RAW" "$OUT/meta.tsv" "$OUT")
"$JLVS_JAVA_HOME/bin/java" -cp "$JLVS_ROOT/bench/target/jlvs-bench.jar" io.jlvs.bench.lab.LabReport "${report_args[@]}"
if command -v rsvg-convert > /dev/null; then
    rsvg-convert -w 1100 "$OUT/bench-lab.svg" -o "$OUT/bench-lab.png"
fi
if $DOCS; then
    cp "$OUT/bench-lab.md" "$OUT/bench-lab.json" "$OUT/bench-lab.svg" "$JLVS_ROOT/docs/"
    [ -f "$OUT/bench-lab.png" ] && cp "$OUT/bench-lab.png" "$JLVS_ROOT/docs/"
    "$JLVS_JAVA_HOME/bin/java" -cp "$JLVS_ROOT/bench/target/jlvs-bench.jar" io.jlvs.bench.lab.LabReport \
        --readme "$JLVS_ROOT/README.md" "$OUT/bench-lab.md"
    echo "jlvs bench lab: docs/bench-lab.md, the chart and the README's performance section regenerated"
fi
