# Finding Java 25, for the project's scripts and for the launchers the Debian package
# installs (which carry this file as /usr/share/jlvs/java.sh). Sourced, not run.
# JLVS_NEED_JAVAC=0 accepts a runtime without javac (running); by default a JDK is needed
# (building).

jlvs_die() {
    echo "$(basename "$0"): $*" >&2
    exit 2
}

# Prints the major version of the Java at $1 (reads its release file), or nothing.
jlvs_jdk_major() {
    local home=$1 v
    [ -x "$home/bin/java" ] || return 0
    [ "${JLVS_NEED_JAVAC:-1}" = 0 ] || [ -x "$home/bin/javac" ] || return 0
    if [ -f "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
    fi
    echo "${v:-}"
}

# Sets JLVS_JAVA_HOME to a JDK of version 25 or newer: $JAVA_HOME if it is one, else
# the newest under /usr/lib/jvm, ~/.sdkman, ~/.jdks or /opt. Dies with a reason if none.
jlvs_find_java() {
    [ -n "${JLVS_JAVA_HOME:-}" ] && return 0
    local best="" best_v=0 home v
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    for home in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /opt/*jdk* /opt/java/*; do
        [ -d "$home" ] && candidates+=("$home")
    done
    for home in "${candidates[@]}"; do
        v=$(jlvs_jdk_major "$home")
        if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then
            best=$home best_v=$v
        fi
    done
    [ -n "$best" ] || jlvs_die "needs a JDK 25 or newer (FFM API) and found none in \$JAVA_HOME, /usr/lib/jvm, ~/.sdkman or ~/.jdks; install one and set JAVA_HOME"
    JLVS_JAVA_HOME=$best
    export JLVS_JAVA_HOME
}

