# Shared by every launcher in bin/: find a JDK 25+, build the jars when they are
# missing or older than the sources, and start a Java main class with the flags the
# project needs. Source it; it defines functions and sets JLVS_ROOT.

JLVS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The JVM flags every JVM of the project needs, from their one home: the jlvs.jvmFlags
# property of pom.xml, which surefire, failsafe and the launchers all use.
read -r -a JLVS_JVM_FLAGS <<< "$(sed -n 's:.*<jlvs.jvmFlags>\(.*\)</jlvs.jvmFlags>.*:\1:p' "$JLVS_ROOT/pom.xml")"
if [ ${#JLVS_JVM_FLAGS[@]} -eq 0 ]; then
    echo "$(basename "$0"): no <jlvs.jvmFlags> line in $JLVS_ROOT/pom.xml; restore it from git" >&2
    exit 2
fi

. "$(dirname "${BASH_SOURCE[0]}")/java.sh"

# Runs Maven with JDK 25 as its own JVM, quietly unless JLVS_VERBOSE is set.
jlvs_mvn() {
    jlvs_find_java
    command -v mvn >/dev/null 2>&1 || jlvs_die "needs Apache Maven (mvn) to build; install it (apt-get install maven)"
    JAVA_HOME=$JLVS_JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
        mvn -B -Dstyle.color=never -f "$JLVS_ROOT/pom.xml" "$@"
}

# Builds the jars (no tests) when one is missing or any source or pom is newer; with
# arguments (paths below the root), only those jars are looked at.
jlvs_ensure_built() {
    local jars=("$JLVS_ROOT/director/target/jlvs.jar" "$JLVS_ROOT/bench/target/jlvs-bench.jar")
    [ $# -eq 0 ] || jars=("${@/#/$JLVS_ROOT/}")
    local stale="" jar
    for jar in "${jars[@]}"; do
        if [ ! -f "$jar" ]; then
            stale="$(basename "$jar") is missing"
            break
        fi
        if [ -n "$(find "$JLVS_ROOT" -path "$JLVS_ROOT/*/target" -prune -o \
                  \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
                  -type f -newer "$jar" -print -quit 2>/dev/null)" ]; then
            stale="sources changed since $(basename "$jar") was built"
            break
        fi
    done
    if [ -n "$stale" ]; then
        echo "jlvs: building the jars ($stale)..." >&2
        local log
        log=$(mktemp)
        if ! jlvs_mvn -q -DskipTests package >"$log" 2>&1; then
            grep -E 'ERROR|BUILD' "$log" >&2 || cat "$log" >&2
            rm -f "$log"
            jlvs_die "the build failed; run 'mvn -B -DskipTests package' to see it in full"
        fi
        rm -f "$log"
    fi
}

# jlvs_run_main JAR MAIN_CLASS ARGS...: runs a main class from one of the jars.
jlvs_run_main() {
    local jar=$1 main=$2
    shift 2
    jlvs_find_java
    jlvs_ensure_built
    exec "$JLVS_JAVA_HOME/bin/java" "${JLVS_JVM_FLAGS[@]}" ${JLVS_JAVA_OPTS:-} -cp "$JLVS_ROOT/$jar" "$main" "$@"
}

jlvs_require_root() {
    [ "$(id -u)" -eq 0 ] || jlvs_die "$1 needs root (network namespaces, raw sockets, nftables); run it with sudo"
}

# jlvs_ensure_packages WHY COMMAND:PACKAGE...: installs with apt-get, as root, the Debian
# packages whose command is missing, and says so. Packaged services (nginx, redis) are kept
# from starting on install: jlvs runs its own copies inside network namespaces. Returns 1,
# naming them, when something is missing and cannot be installed (not root, no apt-get).
jlvs_ensure_packages() {
    local why=$1 pair
    shift
    local missing=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "$(basename "$0"): ${missing[*]} not installed, and installing needs root and apt-get" >&2
        return 1
    fi
    echo "$(basename "$0"): installing ${missing[*]} ($why)" >&2
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
    fi
    local status=0
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        status=1
    [ -n "$made_policy" ] && rm -f "$policy"
    [ $status -eq 0 ] || echo "$(basename "$0"): apt-get could not install ${missing[*]}" >&2
    return $status
}
