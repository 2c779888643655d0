#!/usr/bin/env bash
# jlvs lab: the NAT, DR and TUN topologies of the LVS tutorials in network namespaces.
#
#   lab up nat|dr|tun [--servers N] [--scheduler S] [--weights W,..] [--workers N] [--io B] [--backend builtin|nginx] [--no-jlvsd]
#   lab down | lab status | lab exec client|router|director|rsN -- CMD...
#
# Every host is a namespace named jlvs-<host>; the network segments are bridges in the
# namespace jlvs-switch, so nothing is added to the root namespace. The state (mode, servers,
# processes started) lives in lab/run, next to the director's service file for jlvsd. With
# JLVS_LAB_PREFIX=p- the namespaces are p-<host> and the state lab/run-p (lab/prefix.sh), so
# labs of two prefixes run side by side.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JLVS_ROOT=$(cd "$LAB_DIR/.." && pwd)
# shellcheck source=prefix.sh
. "$LAB_DIR/prefix.sh"
STATE=$RUN/state
PIDS=$RUN/pids
SHOWN_RUN=${RUN#"$JLVS_ROOT"/}
SWITCH=${NS_PREFIX}switch
DECAP_DEVICE=jlvs-decap0
REALSERVER_STATE=/run/jlvs/realserver
READY_TIMEOUT_S=${JLVS_LAB_READY_TIMEOUT_S:-30}

usage() {
    cat <<'USAGE'
usage: jlvs lab up nat|dr|tun [--servers N] [--scheduler S] [--weights W1,W2...]
                              [--workers N] [--io auto|af_xdp|af_packet]
                              [--backend builtin|nginx] [--no-jlvsd]
       jlvs lab down
       jlvs lab status
       jlvs lab exec client|router|director|rsN -- COMMAND [ARGS...]

  up       build the topology of the LVS tutorials in network namespaces (jlvs-client,
           jlvs-router, jlvs-director, jlvs-rs1...), start the real servers, set them up
           for the mode, write the director's service file to lab/run/director.yaml and
           start jlvsd with it in jlvs-director. JLVS_LAB_PREFIX=p- names the namespaces
           p-client... and keeps the state in lab/run-p instead (labs of two prefixes
           coexist; down, status and exec act on their own prefix only).
           --servers N    real servers, 1..8 (default 2)
           --scheduler S  scheduler of the service file (default rr)
           --weights W,.. the real servers' weights in order (default 1 each)
           --workers N    jlvsd's worker threads, 1..8 (default 1)
           --io B         jlvsd's I/O backend: auto (default: AF_XDP where it works),
                          af_xdp or af_packet (global.io.backend of the service file)
           --no-jlvsd     do not start jlvsd (the service file is still written)
           --backend B    nginx (default when nginx is installed) or builtin (the jlvs
                          HTTP server); each real server answers with its name (rs1...)
           Exits 1 when a lab is up already (down it first).
  down     stop what the lab started and remove its namespaces; also cleans a lab left
           by a killed process. Exits 0 when nothing is up.
  status   draw the running topology with its addresses and what runs where
  exec     run a command in a host of the lab, e.g. jlvs lab exec client -- curl 192.168.188.81
USAGE
}

die() {
    echo "jlvs lab: $*" >&2
    exit 2
}

need_root() {
    [ "$(id -u)" -eq 0 ] || die "$1 needs root (network namespaces); run it with sudo"
}

# ---- state ---------------------------------------------------------------------------------

state_get() {
    [ -f "$STATE" ] && sed -n "s/^$1=//p" "$STATE" | head -n 1
}

lab_namespaces() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "$NS_PATTERN" || true
}

# Starts COMMAND in namespace NS in the background, detached, logging to lab/run/NAME.log, and
# records its PID (in lab/run/pids, kept apart from the state file).
start_in() {
    local ns=$1 name=$2
    shift 2
    ip netns exec "$ns" setsid "$@" < /dev/null > "$RUN/$name.log" 2>&1 &
    local pid=$!
    echo "$ns $pid $name" >> "$PIDS"
}

# Whether PID runs (a zombie waiting for its new parent to reap it does not).
running() {
    local state
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ]
}

# Ends the recorded processes that still run inside their namespace (checked with
# 'ip netns pids', so a reused PID is never hit): SIGTERM to all, up to 5 s, then SIGKILL.
stop_recorded() {
    local ns pid name i pending=()
    [ -f "$PIDS" ] || return 0
    while read -r ns pid name; do
        if running "$pid" && ip netns pids "$ns" 2>/dev/null | grep -qx "$pid"; then
            kill -TERM "$pid" 2>/dev/null && pending+=("$pid:$name:$ns")
        fi
    done < "$PIDS"
    for i in $(seq 1 50); do
        local still=()
        for entry in "${pending[@]}"; do
            running "${entry%%:*}" && still+=("$entry")
        done
        pending=("${still[@]}")
        [ ${#pending[@]} -gt 0 ] || return 0
        [ "$i" -eq 50 ] || sleep 0.1
    done
    for entry in "${pending[@]}"; do
        IFS=: read -r pid name ns <<< "$entry"
        echo "jlvs lab: $name (pid $pid in $ns) did not stop on SIGTERM in 5 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# ---- topology helpers ----------------------------------------------------------------------

ns_add() {
    ip netns add "$NS_PREFIX$1"
    ip -n "$NS_PREFIX$1" link set lo up
}

# link HOST IF SEGMENT ADDRESS/PREFIX: a veth from bridge SEGMENT (in jlvs-switch) to HOST's IF.
# The director's links have a queue per jlvsd worker ($DIRECTOR_QUEUES), as a multi-queue NIC
# has: the switch side spreads flows over them by hash, and with AF_XDP each worker reads its
# own queue (a queue without a worker's socket would hand its frames to the kernel).
DIRECTOR_QUEUES=1
link() {
    local host=$1 ifname=$2 segment=$3 cidr=$4 port="$1-$2" queues=1
    [ "$host" = director ] && queues=$DIRECTOR_QUEUES
    ip -n "$SWITCH" link add "$port" numtxqueues "$queues" numrxqueues "$queues" type veth \
        peer name "$ifname" netns "$NS_PREFIX$host" numtxqueues "$queues" numrxqueues "$queues"
    ip -n "$SWITCH" link set "$port" master "$segment"
    ip -n "$SWITCH" link set "$port" up
    ip -n "$NS_PREFIX$host" addr add "$cidr" dev "$ifname"
    ip -n "$NS_PREFIX$host" link set "$ifname" up
}

# segment NAME: a bridge in the switch namespace. A switch does not filter: the bridge hands no
# frame to iptables or nftables (bridge-nf-call-*, on by default where br_netfilter is built in),
# so the lab's path costs what a wire and a switch cost, the same for every balancer measured.
segment() {
    ip -n "$SWITCH" link add "$1" type bridge
    ip -n "$SWITCH" link set "$1" up
    local key
    for key in bridge-nf-call-iptables bridge-nf-call-ip6tables bridge-nf-call-arptables; do
        if [ -e "/proc/sys/net/bridge/$key" ]; then
            ip netns exec "$SWITCH" sysctl -q -w "net.bridge.$key=0" >/dev/null
        fi
    done
}

in_ns() {
    local host=$1
    shift
    ip netns exec "$NS_PREFIX$host" "$@"
}

gateway() {
    ip -n "$NS_PREFIX$1" route add default via "$2"
}

forwarding() {
    in_ns "$1" sysctl -qw net.ipv4.ip_forward=1
}

rs_address() {
    case "$1" in
        nat) echo "192.168.188.$((81 + $2))" ;;
        dr) echo "192.168.188.$((80 + $2))" ;;
        tun) echo "192.168.200.$((80 + $2))" ;;
    esac
}

vip_of() {
    case "$1" in
        nat) echo 192.168.10.100 ;;
        *) echo 192.168.188.100 ;;
    esac
}

# ---- the three topologies ------------------------------------------------------------------

build_nat() {
    local n=$1 i
    ns_add switch; ns_add client; ns_add director
    segment br10; segment br188
    link client eth0 br10 192.168.10.200/24
    link director eth1 br10 192.168.10.100/24
    link director eth0 br188 192.168.188.81/24
    forwarding director
    gateway client 192.168.10.100
    for i in $(seq 1 "$n"); do
        ns_add "rs$i"
        link "rs$i" eth0 br188 "$(rs_address nat "$i")/24"
        gateway "rs$i" 192.168.188.81
    done
}

# The front half DR and TUN share (seed 001 4.3): client, router and director with the VIP on lo.
build_routed_front() {
    ns_add switch; ns_add client; ns_add router; ns_add director
    segment br10; segment br188
    link client eth0 br10 192.168.10.6/24
    link router eth1 br10 192.168.10.200/24
    link router eth0 br188 192.168.188.200/24
    link director eth0 br188 192.168.188.8/24
    forwarding router
    gateway client 192.168.10.200
    gateway director 192.168.188.200
    ip -n "${NS_PREFIX}director" addr add 192.168.188.100/32 dev lo label lo:1
}

build_dr() {
    local n=$1 i
    build_routed_front
    for i in $(seq 1 "$n"); do
        ns_add "rs$i"
        link "rs$i" eth0 br188 "$(rs_address dr "$i")/24"
        gateway "rs$i" 192.168.188.200
        in_ns "rs$i" "$LAB_DIR/realserver.sh" up --vip 192.168.188.100 --mode dr --interface eth0 > /dev/null
    done
}

# TUN: the real servers on their own network behind the router, one routed hop from the director.
build_tun() {
    local n=$1 i
    build_routed_front
    segment br200
    link router eth2 br200 192.168.200.200/24
    for i in $(seq 1 "$n"); do
        ns_add "rs$i"
        link "rs$i" eth0 br200 "$(rs_address tun "$i")/24"
        gateway "rs$i" 192.168.200.200
    done
}

# ---- real servers --------------------------------------------------------------------------

# Redis in the NAT lab (seed 001 4.2) needs both the server and redis-cli (to SET host).
has_redis() {
    command -v redis-server > /dev/null && command -v redis-cli > /dev/null
}

java_command() {
    # shellcheck source=../bin/lib/common.sh
    . "$JLVS_ROOT/bin/lib/common.sh"
    if [ -n "${JLVS_LAB_CLASSPATH:-}" ]; then
        JAVA=("${JLVS_JAVA_HOME:-${JAVA_HOME:-/usr}}/bin/java")
        JAVA_CP=$JLVS_LAB_CLASSPATH
    else
        jlvs_find_java
        jlvs_ensure_built
        JAVA=("$JLVS_JAVA_HOME/bin/java")
        JAVA_CP=$JLVS_ROOT/director/target/jlvs.jar
    fi
    JAVA+=("${JLVS_JVM_FLAGS[@]}")
    JLVSD=("${JAVA[@]}" -Xmx128m -XX:+UseSerialGC -cp "$JAVA_CP" io.jlvs.director.Jlvsd)
    JAVA+=(-Xmx48m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$JAVA_CP" io.jlvs.director.JlvsTool)
}

# Prints the scheduler names, one a line, as the program knows them (jlvs schedulers).
scheduler_names() {
    [ -n "${JAVA_CP:-}" ] || java_command
    "${JAVA[@]}" schedulers || die "could not list the schedulers: 'jlvs schedulers' failed"
}

# Starts jlvsd in the director's namespace with lab/run/director.yaml (log lab/run/director-jlvsd.log,
# the -Ln listing in lab/run/jlvsd.status) and waits until it says it runs.
start_director() {
    [ -n "${JLVSD:-}" ] || java_command
    start_in "${NS_PREFIX}director" director-jlvsd "${JLVSD[@]}" --config "$RUN/director.yaml" \
        --status-file "$RUN/jlvsd.status"
    local deadline=$((SECONDS + READY_TIMEOUT_S))
    while [ $SECONDS -lt $deadline ]; do
        check_alive
        if grep -q ' jlvsd: running ' "$RUN/director-jlvsd.log" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "jlvsd did not start in ${READY_TIMEOUT_S} s; see $RUN/director-jlvsd.log"
}

# The PID of the running jlvsd, or nothing.
director_pid() {
    local ns pid name
    [ -f "$PIDS" ] || return 0
    while read -r ns pid name; do
        if [ "$name" = director-jlvsd ] && running "$pid"; then
            echo "$pid"
        fi
    done < "$PIDS"
}

nginx_config() {
    local name=$1 dir=$RUN/$1
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen 80 default_server;
        default_type text/plain;
        location / { return 200 "$name\n"; }
    }
}
EOF
    echo "$dir/nginx.conf"
}

start_servers() {
    local mode=$1 n=$2 backend=$3 i name rip
    [ "$backend" = nginx ] || java_command
    [ "$mode" != tun ] || [ -n "${JAVA_CP:-}" ] || java_command
    for i in $(seq 1 "$n"); do
        name=rs$i
        rip=$(rs_address "$mode" "$i")
        if [ "$mode" = tun ]; then
            start_in "$NS_PREFIX$name" "$name-decap" "${JAVA[@]}" decap --interface eth0 \
                --device "$DECAP_DEVICE" --vip 192.168.188.100
        fi
        if [ "$backend" = nginx ]; then
            start_in "$NS_PREFIX$name" "$name-nginx" nginx -c "$(nginx_config "$name")"
        else
            start_in "$NS_PREFIX$name" "$name-httpd" "${JAVA[@]}" httpd --name "$name" --port 80 --bind 0.0.0.0
        fi
        if [ "$mode" = nat ] && has_redis; then
            mkdir -p "$RUN/$name"
            start_in "$NS_PREFIX$name" "$name-redis" redis-server --bind 0.0.0.0 --port 6379 --protected-mode no \
                --save '' --appendonly no --dir "$RUN/$name" --daemonize no
        fi
    done
    for i in $(seq 1 "$n"); do
        name=rs$i
        rip=$(rs_address "$mode" "$i")
        wait_ready "$name" "$rip"
        if [ "$mode" = tun ]; then
            in_ns "$name" "$LAB_DIR/realserver.sh" up --vip 192.168.188.100 --mode tun --interface eth0 \
                --device "$DECAP_DEVICE" > /dev/null
        fi
        if [ "$mode" = nat ] && has_redis; then
            in_ns "$name" redis-cli -h "$rip" SET host "$name" > /dev/null
        fi
    done
}

# Waits (bounded) until rsN answers HTTP on its RIP, and in TUN until its decap device is up,
# and in NAT until redis answers, checking that every process the lab started still runs.
wait_ready() {
    local name=$1 rip=$2 deadline=$((SECONDS + READY_TIMEOUT_S))
    while [ $SECONDS -lt $deadline ]; do
        check_alive
        if [ "$(in_ns "$name" curl -s --max-time 1 "http://$rip/" 2>/dev/null)" = "$name" ] \
            && { [ "$(state_get mode)" != tun ] || in_ns "$name" test -d "/sys/class/net/$DECAP_DEVICE"; } \
            && { [ "$(state_get mode)" != nat ] || ! has_redis \
                 || in_ns "$name" redis-cli -h "$rip" PING 2>/dev/null | grep -q PONG; }; then
            return 0
        fi
        sleep 0.2
    done
    die "$name did not become ready in ${READY_TIMEOUT_S} s; see $RUN/$name-*.log"
}

check_alive() {
    local ns pid name
    while read -r ns pid name; do
        if ! running "$pid"; then
            echo "jlvs lab: $name (pid $pid) exited; its log, $RUN/$name.log:" >&2
            tail -n 20 "$RUN/$name.log" >&2 || true
            exit 2
        fi
    done < "$PIDS"
}

# ---- the director's service file -----------------------------------------------------------

write_service_file() {
    local mode=$1 n=$2 scheduler=$3 weights=$4 workers=$5 io=$6 i interfaces method port socket weight
    case "$mode" in
        nat) interfaces="[eth1, eth0]"; method=nat ;;
        dr) interfaces="[eth0]"; method=dr ;;
        tun) interfaces="[eth0]"; method=tun ;;
    esac
    socket=$RUN/jlvsd.sock
    [ ${#socket} -le 107 ] || socket=/run/jlvs/${NS_PREFIX}jlvsd.sock
    {
        echo "# Service file for jlvsd on the director of the $mode lab (written by jlvs lab up)."
        echo "# lab up starts it in the director's namespace (unless --no-jlvsd):"
        echo "#   jlvs lab exec director -- bin/jlvsd --config $RUN/director.yaml"
        echo "global:"
        echo "  interfaces: $interfaces"
        echo "  workers: $workers"
        echo "  connection-table-capacity: 65536"
        echo "  control-socket: $socket"
        if [ "$io" != auto ]; then
            echo "  io:"
            echo "    backend: $io"
        fi
        echo "services:"
        for port in 80 $([ "$mode" = nat ] && has_redis && echo 6379); do
            echo "  - protocol: tcp"
            echo "    vip: $(vip_of "$mode")"
            echo "    port: $port"
            echo "    scheduler: $scheduler"
            echo "    servers:"
            for i in $(seq 1 "$n"); do
                weight=$(echo "$weights" | cut -d, -f"$i")
                echo "      - {address: $(rs_address "$mode" "$i"), method: $method, weight: ${weight:-1}}"
            done
        done
    } > "$RUN/director.yaml"
}

# ---- commands ------------------------------------------------------------------------------

cmd_up() {
    local mode="" servers=2 scheduler=rr backend="" weights="" director=true workers=1 io=auto
    while [ $# -gt 0 ]; do
        case "$1" in
            --weights) weights=${2:-}; shift 2 || die "--weights needs a list such as 3,1" ;;
            --workers) workers=${2:-}; shift 2 || die "--workers needs a number" ;;
            --io) io=${2:-}; shift 2 || die "--io needs auto, af_xdp or af_packet" ;;
            --no-jlvsd) director=false; shift ;;
            nat|dr|tun) mode=$1; shift ;;
            --servers) servers=${2:-}; shift 2 || die "--servers needs a number" ;;
            --scheduler) scheduler=${2:-}; shift 2 || die "--scheduler needs a name" ;;
            --backend) backend=${2:-}; shift 2 || die "--backend needs builtin or nginx" ;;
            *) usage >&2; die "unknown argument to 'lab up': '$1'" ;;
        esac
    done
    [ -n "$mode" ] || die "lab up needs a mode: nat, dr or tun"
    [[ $servers =~ ^[1-8]$ ]] || die "--servers must be 1..8, was '$servers'"
    [[ $workers =~ ^[1-8]$ ]] || die "--workers must be 1..8, was '$workers'"
    [[ $io =~ ^(auto|af_xdp|af_packet)$ ]] || die "--io must be auto, af_xdp or af_packet, was '$io'"
    DIRECTOR_QUEUES=$workers
    [[ -z $weights || $weights =~ ^[0-9]{1,5}(,[0-9]{1,5}){0,7}$ ]] || die "--weights must be a list of weights such as 3,1, was '$weights'"
    local schedulers
    schedulers=$(scheduler_names)
    grep -qxF -- "$scheduler" <<< "$schedulers" || die "--scheduler must be one of $(paste -sd ' ' <<< "$schedulers"), was '$scheduler'"
    if [ -z "$backend" ]; then
        if command -v nginx > /dev/null; then backend=nginx; else backend=builtin; fi
    fi
    case "$backend" in
        builtin) ;;
        nginx) command -v nginx > /dev/null || die "--backend nginx: nginx is not installed (apt-get install nginx-light), or use --backend builtin" ;;
        *) die "--backend must be builtin or nginx, was '$backend'" ;;
    esac
    need_root "lab up"
    if [ -f "$STATE" ]; then
        echo "jlvs lab: a $(state_get mode) lab is up already (since $(state_get started)); run '$LAB_CMD down' first" >&2
        exit 1
    fi
    if [ -n "$(lab_namespaces)" ]; then
        echo "jlvs lab: namespaces of an earlier lab remain ($(lab_namespaces | tr '\n' ' ')); run '$LAB_CMD down' first" >&2
        exit 1
    fi
    mkdir -p "$RUN"
    : > "$PIDS"
    {
        echo "mode=$mode"
        echo "servers=$servers"
        echo "scheduler=$scheduler"
        echo "backend=$backend"
        echo "weights=${weights:-1}"
        echo "jlvsd=$director"
        echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } > "$STATE"
    trap 'echo "jlvs lab: lab up $mode did not finish; tearing down what was built" >&2; cmd_down >&2' EXIT
    trap 'exit 130' INT TERM
    "build_$mode" "$servers"
    write_service_file "$mode" "$servers" "$scheduler" "$weights" "$workers" "$io"
    start_servers "$mode" "$servers" "$backend"
    if $director; then
        start_director
    fi
    trap - EXIT INT TERM
    cmd_status
}

cmd_down() {
    local namespaces ns pid name found=false
    namespaces=$(lab_namespaces)
    [ -s "$PIDS" ] && found=true
    stop_recorded
    for ns in $namespaces; do
        found=true
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            echo "jlvs lab: process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-60)) still runs in $ns and was not started by this lab's records; end it with: kill $pid" >&2
        done
    done
    for ns in $(echo "$namespaces" | grep -v -x "$SWITCH"; echo "$namespaces" | grep -x "$SWITCH"); do
        # The saved real-server settings are keyed by the namespace's inode; they go with it.
        rm -f "$REALSERVER_STATE/$(stat -L -c %i "/run/netns/$ns" 2>/dev/null || echo none)-"*
        ip netns del "$ns"
    done
    [ -f "$STATE" ] && found=true
    rm -rf "$RUN"
    if $found; then
        echo "lab down: namespaces and processes removed"
    else
        echo "lab down: no lab is up"
    fi
}

draw_servers() {
    local mode=$1 where=$2 i n
    n=$(state_get servers)
    for i in $(seq 1 "$n"); do
        printf '      |\n'
        printf '      +-- [rs%s] eth0 %s  %s\n' "$i" "$(rs_address "$mode" "$i")" "$where"
        printf '      %s          runs: %s\n' "$([ "$i" -lt "$n" ] && echo '|' || echo ' ')" "$(proc_line "${NS_PREFIX}rs$i")"
    done
}

proc_line() {
    local ns pid name
    while read -r ns pid name; do
        if [ "$ns" = "$1" ]; then
            if running "$pid"; then
                printf '%s (pid %s) ' "${name#*-}" "$pid"
            else
                printf '%s (pid %s, EXITED) ' "${name#*-}" "$pid"
            fi
        fi
    done < "$PIDS"
}

cmd_status() {
    if [ ! -f "$STATE" ]; then
        if [ -n "$(lab_namespaces)" ]; then
            echo "no lab state, but namespaces of a lab remain: $(lab_namespaces | tr '\n' ' ')"
            echo "(left by a killed 'lab up'?) run '$LAB_CMD down' to remove them"
            exit 1
        fi
        echo "no lab is up (start one with: jlvs lab up nat|dr|tun)"
        return 0
    fi
    if [ -z "$(lab_namespaces)" ]; then
        echo "the state of a $(state_get mode) lab from $(state_get started) remains, but its namespaces are gone (a reboot?)"
        echo "run '$LAB_CMD down' to clear it"
        exit 1
    fi
    local mode n backend scheduler i
    mode=$(state_get mode); n=$(state_get servers); backend=$(state_get backend); scheduler=$(state_get scheduler)
    echo "jlvs lab: $mode, $n real servers ($backend), scheduler $scheduler, up since $(state_get started)"
    echo
    local jlvsd pid
    pid=$(director_pid)
    if [ -n "$pid" ]; then
        jlvsd="runs: jlvsd (pid $pid), $SHOWN_RUN/director.yaml, log $SHOWN_RUN/director-jlvsd.log"
    elif [ "$(state_get jlvsd)" = false ]; then
        jlvsd="jlvsd: not started (--no-jlvsd); service file $SHOWN_RUN/director.yaml"
    else
        jlvsd="jlvsd: NOT RUNNING (exited; see $SHOWN_RUN/director-jlvsd.log)"
    fi
    case "$mode" in
        nat)
            cat <<EOF
  [client] eth0 192.168.10.200  gw 192.168.10.100
      |
  ----+---- 192.168.10.0/24 (br10) ----
      |
  [director] eth1 192.168.10.100 = VIP (client side)   ip_forward=1
             eth0 192.168.188.81 = DIP (the real servers' gateway)
             $jlvsd
      |
  ----+---- 192.168.188.0/24 (br188) ----
EOF
            draw_servers nat "gw 192.168.188.81" ;;
        dr)
            cat <<EOF
  [client] eth0 192.168.10.6  gw 192.168.10.200
      |
  ----+---- 192.168.10.0/24 (br10) ----
      |
  [router] eth1 192.168.10.200 | eth0 192.168.188.200   ip_forward=1
      |
  ----+---- 192.168.188.0/24 (br188) ----
      |
      +-- [director] eth0 192.168.188.8 = DIP  lo:1 192.168.188.100/32 = VIP  gw 192.168.188.200
      |              $jlvsd
EOF
            draw_servers dr "lo:1 192.168.188.100/32 (VIP)  gw 192.168.188.200" ;;
        tun)
            cat <<EOF
  [client] eth0 192.168.10.6  gw 192.168.10.200
      |
  ----+---- 192.168.10.0/24 (br10) ----
      |
  [router] eth1 192.168.10.200 | eth0 192.168.188.200 | eth2 192.168.200.200   ip_forward=1
      |                                                   |
  ----+---- 192.168.188.0/24 (br188) ----                 |
      |                                                   |
      +-- [director] eth0 192.168.188.8 = DIP  lo:1 192.168.188.100/32 = VIP
                     gw 192.168.188.200; IPIP 192.168.188.8 -> RIP via the router
                     $jlvsd
                                                          |
  ----+---- 192.168.200.0/24 (br200) ---------------------+
      |     the real servers, one router hop from the director (DR could not reach them)
EOF
            draw_servers tun "$DECAP_DEVICE 192.168.188.100/32 (VIP)  gw 192.168.200.200" ;;
    esac
    echo
    echo "  try: $LAB_CMD exec client -- curl -s http://$(rs_address "$mode" 1)/   (a real server, directly)"
    echo "       $LAB_CMD exec client -- curl -s http://$(vip_of "$mode")/   (the VIP, through jlvsd)"
    echo "       cat $SHOWN_RUN/jlvsd.status   (the services as ipvsadm -Ln lists them, rewritten every second)"
}

cmd_exec() {
    [ $# -ge 1 ] || die "lab exec needs a host: client, router, director or rsN"
    local host=$1
    shift
    [ "${1:-}" = -- ] && shift
    [ $# -ge 1 ] || die "lab exec $host needs a command after --"
    [[ $host =~ ^(client|router|director|rs[0-9]+)$ ]] || die "unknown host '$host': expected client, router, director or rsN"
    if ! ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$NS_PREFIX$host"; then
        if [ -f "$STATE" ]; then
            die "the $(state_get mode) lab has no host '$host'"
        fi
        die "no lab is up (start one with: jlvs lab up nat|dr|tun)"
    fi
    exec ip netns exec "$NS_PREFIX$host" "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    up) cmd_up "$@" ;;
    down) need_root "lab down"; cmd_down ;;
    status) cmd_status ;;
    exec) need_root "lab exec"; cmd_exec "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
esac
