#!/usr/bin/env bash
# jlvs realserver: the real-server side of LVS DR and TUN, as the tutorials set it up by hand.
#
#   realserver up    --vip VIP --mode dr|tun [--interface IF] [--device DEV]
#   realserver down  --vip VIP --mode dr|tun [--interface IF] [--device DEV]
#   realserver check --vip VIP --mode dr|tun [--interface IF] [--device DEV]
#
# DR: the VIP as a /32 on lo. TUN: the VIP on the tunnel device, tunl0 (kernel ipip module) or
# the TUN device of `jlvs decap` (jlvs-decap0) where the kernel has no ipip. Both: arp_ignore=1
# and arp_announce=2 on all, on the VIP's device and on the receiving interface, and rp_filter
# loose (2) where packets arrive, since the kernel applies max(all, interface) for all three.
# `up` saves the values it changes and `down` puts them back; both are idempotent.
set -euo pipefail

DECAP_DEVICE=jlvs-decap0
STATE_DIR=${JLVS_REALSERVER_STATE:-/run/jlvs/realserver}

usage() {
    cat <<'USAGE'
usage: jlvs realserver up|down|check --vip VIP --mode dr|tun [--interface IF] [--device DEV]

  up      put the VIP on lo (dr) or on the tunnel device (tun: tunl0, or jlvs-decap0 of
          'jlvs decap' where the kernel has no ipip module), set arp_ignore=1,
          arp_announce=2 and a loose rp_filter (2); saves the values it changes
  down    remove the VIP and put the saved values back
  check   report each setting that is wrong and the command that fixes it;
          exit 0 when all is right, 1 otherwise

  --interface IF   the interface packets from the director arrive on
                   (default: the interface of the default route)
  --device DEV     tun only: the tunnel device (default: tunl0 if it exists, else jlvs-decap0)
USAGE
}

die() {
    echo "jlvs realserver: $*" >&2
    exit 2
}

action=${1:-}
[ $# -gt 0 ] && shift
vip="" mode="" iface="" device=""
while [ $# -gt 0 ]; do
    case "$1" in
        --vip) vip=${2:-}; shift 2 || die "--vip needs an address" ;;
        --mode) mode=${2:-}; shift 2 || die "--mode needs dr or tun" ;;
        --interface) iface=${2:-}; shift 2 || die "--interface needs a name" ;;
        --device) device=${2:-}; shift 2 || die "--device needs a name" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
case "$action" in
    up|down|check) ;;
    -h|--help|help) usage; exit 0 ;;
    *) usage >&2; die "expected up, down or check, got '${action}'" ;;
esac
[[ $vip =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] \
    || die "--vip must be an IPv4 address such as 192.168.188.100, was '${vip}'"
for octet in "${BASH_REMATCH[@]:1}"; do
    [ "$octet" -le 255 ] || die "--vip must be an IPv4 address such as 192.168.188.100, was '${vip}'"
done
case "$mode" in
    dr|tun) ;;
    *) die "--mode must be dr or tun, was '${mode}'" ;;
esac
[ "$(id -u)" -eq 0 ] || [ "$action" = check ] || die "$action needs root (addresses and sysctls); run it with sudo"

# The interface packets from the director arrive on: --interface, else the default route's.
if [ -z "$iface" ]; then
    iface=$(ip -4 route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") {print $(i + 1); exit}}')
    [ -n "$iface" ] || die "no default route to find the receiving interface from; give --interface IF"
fi
[ -d "/sys/class/net/$iface" ] || die "interface '$iface' does not exist"

# The device that holds the VIP.
if [ "$mode" = dr ]; then
    vipdev=lo
elif [ -n "$device" ]; then
    vipdev=$device
elif [ -d /sys/class/net/tunl0 ]; then
    vipdev=tunl0
elif [ "$action" = up ] && modprobe ipip 2>/dev/null && [ -d /sys/class/net/tunl0 ]; then
    vipdev=tunl0
elif [ -d "/sys/class/net/$DECAP_DEVICE" ]; then
    vipdev=$DECAP_DEVICE
else
    vipdev=tunl0
fi

sysctl_path() { echo "/proc/sys/net/ipv4/conf/$1/$2"; }
sysctl_read() { cat "$(sysctl_path "$1" "$2")"; }
sysctl_write() { echo "$3" > "$(sysctl_path "$1" "$2")"; }

has_vip() {
    [ -d "/sys/class/net/$1" ] && ip -4 -o addr show dev "$1" | grep -q " inet ${vip}/32 "
}

# The settings: "device key wanted". rp_filter matters where the client's packet arrives: the
# receiving interface for DR, the tunnel device for TUN.
settings=()
for dev in all "$vipdev" "$iface"; do
    settings+=("$dev arp_ignore 1" "$dev arp_announce 2")
done
if [ "$mode" = dr ]; then rpdev=$iface; else rpdev=$vipdev; fi
settings+=("all rp_filter 2" "$rpdev rp_filter 2")

state_file="$STATE_DIR/$(stat -L -c %i /proc/self/ns/net)-${vip}-${mode}"

do_up() {
    if [ "$mode" = tun ] && [ ! -d "/sys/class/net/$vipdev" ]; then
        echo "jlvs realserver: no tunnel device: this kernel has no ipip module (no tunl0)" >&2
        echo "  start the user-space decapsulator first: jlvs decap --interface $iface --device $DECAP_DEVICE --vip $vip" >&2
        exit 1
    fi
    mkdir -p "$STATE_DIR"
    local fresh=false
    if [ ! -f "$state_file" ]; then
        fresh=true
        : > "$state_file.tmp"
    fi
    local entry dev key want seen=" "
    for entry in "${settings[@]}"; do
        read -r dev key want <<< "$entry"
        [[ $seen == *" $dev/$key "* ]] && continue
        seen+="$dev/$key "
        if $fresh; then
            echo "sysctl $dev $key $(sysctl_read "$dev" "$key")" >> "$state_file.tmp"
        fi
        sysctl_write "$dev" "$key" "$want"
    done
    if [ "$mode" = tun ]; then
        if $fresh; then
            echo "link $vipdev $(( $(cat "/sys/class/net/$vipdev/flags") & 1 ))" >> "$state_file.tmp"
        fi
        ip link set "$vipdev" up
    fi
    if ! has_vip "$vipdev"; then
        if [ "$vipdev" = lo ]; then
            ip addr add "$vip/32" dev lo label lo:1
        else
            ip addr add "$vip/32" dev "$vipdev"
        fi
        $fresh && echo "address $vipdev" >> "$state_file.tmp"
    fi
    $fresh && mv "$state_file.tmp" "$state_file"
    echo "real server ready for $mode: VIP $vip on $vipdev, arp_ignore=1 arp_announce=2, rp_filter=2 on $rpdev and all"
}

do_down() {
    if [ -f "$state_file" ]; then
        local kind a b
        while read -r kind a b rest; do
            case "$kind" in
                sysctl) [ -e "$(sysctl_path "$a" "$b")" ] && sysctl_write "$a" "$b" "$rest" ;;
                address) has_vip "$a" && ip addr del "$vip/32" dev "$a" ;;
                link) [ "$b" = 0 ] && [ -d "/sys/class/net/$a" ] && ip link set "$a" down ;;
            esac
        done < "$state_file"
        rm -f "$state_file"
        echo "real server set-up for $mode VIP $vip removed; saved settings restored"
    else
        has_vip "$vipdev" && ip addr del "$vip/32" dev "$vipdev"
        echo "no saved set-up for $mode VIP $vip in this network namespace; VIP removed from $vipdev if it was there"
    fi
}

problems=0
problem() {
    problems=$((problems + 1))
    echo "WRONG: $1"
    echo "  fix: $2"
}

# Effective value of a per-interface setting: the kernel takes max(all, interface).
effective() {
    local a i
    a=$(sysctl_read all "$2")
    i=$(sysctl_read "$1" "$2")
    echo $(( a > i ? a : i ))
}

# Names the sysctls above the wanted value (the max rule means lowering only one may not help).
fix_max() {
    local dev=$1 key=$2 want=$3 cmds=() d
    for d in all "$dev"; do
        [ "$(sysctl_read "$d" "$key")" -gt "$want" ] && cmds+=("sysctl -w net.ipv4.conf.$d.$key=$want")
    done
    [ ${#cmds[@]} -gt 0 ] || cmds=("sysctl -w net.ipv4.conf.all.$key=$want")
    local joined
    joined=$(printf '%s; ' "${cmds[@]}")
    echo "${joined%; }"
}

do_check() {
    if [ "$mode" = tun ]; then
        if [ ! -d "/sys/class/net/$vipdev" ]; then
            problem "tunnel device $vipdev is missing (TUN needs tunl0 from the ipip module, or the jlvs decap device $DECAP_DEVICE)" \
                "modprobe ipip && ip link set tunl0 up   # or, without ipip: jlvs decap --interface $iface --device $DECAP_DEVICE --vip $vip"
        elif [ $(( $(cat "/sys/class/net/$vipdev/flags") & 1 )) -eq 0 ]; then
            problem "tunnel device $vipdev is down" "ip link set $vipdev up"
        fi
    fi
    if [ -d "/sys/class/net/$vipdev" ] && ! has_vip "$vipdev"; then
        problem "VIP $vip is not on $vipdev (as a /32)" "ip addr add $vip/32 dev $vipdev"
    fi
    local v
    v=$(effective "$iface" arp_ignore)
    if [ "$v" -ne 1 ]; then
        problem "arp_ignore on $iface is $v (max of all and $iface), must be 1 so $iface does not answer ARP for the VIP" \
            "$(if [ "$v" -lt 1 ]; then echo "sysctl -w net.ipv4.conf.all.arp_ignore=1"; else fix_max "$iface" arp_ignore 1; fi)"
    fi
    v=$(effective "$iface" arp_announce)
    if [ "$v" -ne 2 ]; then
        problem "arp_announce on $iface is $v (max of all and $iface), must be 2 so ARP requests never carry the VIP" \
            "sysctl -w net.ipv4.conf.all.arp_announce=2"
    fi
    if [ -d "/sys/class/net/$rpdev" ]; then
        v=$(effective "$rpdev" rp_filter)
        if [ "$v" -eq 1 ]; then
            problem "rp_filter on $rpdev is strict (1, max of all and $rpdev): packets from clients arriving there are dropped" \
                "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.$rpdev.rp_filter=2"
        fi
    fi
    if [ "$problems" -eq 0 ]; then
        echo "OK: real server ready for $mode: VIP $vip on $vipdev, arp_ignore=1, arp_announce=2 on $iface, rp_filter not strict on $rpdev"
        exit 0
    fi
    echo "$problems setting(s) wrong for $mode VIP $vip"
    exit 1
}

case "$action" in
    up) do_up ;;
    down) do_down ;;
    check) do_check ;;
esac
