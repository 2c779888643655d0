#!/usr/bin/env bash
# Re-creates the capture files in this directory (run as root from this directory).
# Two network namespaces joined by a veth pair, checksum offload off on both ends so
# the kernel computes every checksum in software, tcpdump in the server namespace.
set -euo pipefail
A=jlvscap-a B=jlvscap-b
cleanup() { ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add "$A"; ip netns add "$B"
ip link add jlvscap0 netns "$A" type veth peer name jlvscap1 netns "$B"
ip -n "$A" addr add 10.213.0.1/24 dev jlvscap0
ip -n "$B" addr add 10.213.0.2/24 dev jlvscap1
ip -n "$A" addr add fd00:213::1/64 dev jlvscap0 nodad
ip -n "$B" addr add fd00:213::2/64 dev jlvscap1 nodad
for ns_dev in "$A jlvscap0" "$B jlvscap1"; do
  set -- $ns_dev
  ip netns exec "$1" ethtool -K "$2" tx off rx off >/dev/null
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" up
done
sleep 1

capture() { # file filter command...
  local file=$1 filter=$2; shift 2
  ip netns exec "$B" tcpdump -i jlvscap1 -U -s 0 -w "$file" "$filter" 2>/dev/null &
  local pid=$!
  sleep 1
  "$@"
  sleep 1
  kill "$pid"; wait "$pid" || true
}

tcp() {
  ip netns exec "$B" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.213.0.2", 8080)); s.listen(1); c, _ = s.accept()
c.recv(1024); c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\njlvs!\n"); c.close()' &
  local srv=$!
  sleep 0.5
  ip netns exec "$A" curl -s --max-time 5 http://10.213.0.2:8080/ >/dev/null
  wait "$srv"
}
udp() {
  ip netns exec "$B" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.213.0.2", 7777))
for _ in range(3):
    d, a = s.recvfrom(2048); s.sendto(d.upper(), a)' &
  local srv=$!
  sleep 0.5
  ip netns exec "$A" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
for m in (b"hello jlvs", b"x", b"an odd-length payload!"):
    s.sendto(m, ("10.213.0.2", 7777)); s.recvfrom(2048)'
  wait "$srv"
}
icmp() { ip netns exec "$A" ping -c 3 -i 0.2 -s 37 10.213.0.2 >/dev/null; }
ipv6() {
  ip netns exec "$A" ping -6 -c 2 -i 0.2 fd00:213::2 >/dev/null
  ip netns exec "$B" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("fd00:213::2", 7777))
d, a = s.recvfrom(2048); s.sendto(d.upper(), a)' &
  local srv=$!
  sleep 0.5
  ip netns exec "$A" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"hello over ipv6", ("fd00:213::2", 7777)); s.recvfrom(2048)'
  wait "$srv"
}

capture tcp.pcap "tcp or arp" tcp
capture udp.pcap "udp" udp
capture icmp.pcap "icmp" icmp
capture ipv6.pcap "ip6 and not icmp6[0] >= 133" ipv6
ls -l ./*.pcap
