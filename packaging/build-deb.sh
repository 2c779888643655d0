#!/usr/bin/env bash
# Builds the Debian package of jlvs from the jars: jlvsd and jlvsadm (/usr/bin), the jar and
# its launcher (/usr/share/jlvs), the systemd unit, a sample service file (/etc/jlvs, a
# conffile) and the operator's docs. Usage: build-deb.sh [--out DIR] (default: dist/).
# Prints the path of the .deb it wrote.
set -euo pipefail
. "$(dirname "$0")/../bin/lib/common.sh"

out="$JLVS_ROOT/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        *) jlvs_die "unknown argument '$1'; usage: jlvs package [--out DIR]" ;;
    esac
done
command -v dpkg-deb >/dev/null 2>&1 || jlvs_die "needs dpkg-deb (Debian package dpkg)"
jlvs_ensure_built director/target/jlvs.jar

pom_version=$(sed -n '0,/<version>\(.*\)<\/version>/s//\1/p' "$JLVS_ROOT/pom.xml" | head -1 | tr -d ' ')
version=${pom_version/-SNAPSHOT/~snapshot}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/jlvs"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/jlvs" "$root/lib/systemd/system" \
    "$root/etc/jlvs" "$root/usr/share/doc/jlvs"
install -m 0644 "$JLVS_ROOT/director/target/jlvs.jar" "$root/usr/share/jlvs/jlvs.jar"
install -m 0755 "$JLVS_ROOT/packaging/launcher" "$root/usr/share/jlvs/launcher"
install -m 0644 "$JLVS_ROOT/bin/lib/java.sh" "$root/usr/share/jlvs/java.sh"
printf '%s\n' "${JLVS_JVM_FLAGS[*]}" > "$root/usr/share/jlvs/jvm-flags"
ln -s ../share/jlvs/launcher "$root/usr/bin/jlvsd"
ln -s ../share/jlvs/launcher "$root/usr/bin/jlvsadm"
install -m 0644 "$JLVS_ROOT/packaging/jlvsd.service" "$root/lib/systemd/system/jlvsd.service"
install -m 0644 "$JLVS_ROOT/packaging/services.yaml" "$root/etc/jlvs/services.yaml"
for doc in README.md docs/jlvsd.md docs/service-file.md docs/metrics.md docs/io.md; do
    install -m 0644 "$JLVS_ROOT/$doc" "$root/usr/share/doc/jlvs/$(basename "$doc")"
done
echo /etc/jlvs/services.yaml > "$root/DEBIAN/conffiles"
size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: jlvs
Version: $version
Architecture: amd64
Maintainer: jlvs <jlvs@localhost>
Installed-Size: $size
Depends: nftables, iproute2
Recommends: ethtool
Section: net
Priority: optional
Description: IPVS-style layer-4 load balancer in user space
 jlvsd is a director in the manner of the kernel's IPVS (LVS): it reads packets through
 AF_XDP or AF_PACKET sockets, schedules connections with the IPVS schedulers and forwards
 them by direct routing, NAT or IPIP tunnelling. jlvsadm speaks ipvsadm's language to it.
 Needs a Java runtime of version 25 or newer (found under /usr/lib/jvm, or named by
 JLVS_JAVA_HOME).
CONTROL
mkdir -p "$out"
deb="$out/jlvs_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb"
