# shellcheck shell=bash
# The names one lab run owns, from JLVS_LAB_PREFIX (default jlvs-): its namespaces are
# <prefix>client, <prefix>router, <prefix>director, <prefix>switch, <prefix>rsN, and its state
# lives in lab/run (prefix jlvs-) or lab/run-<prefix> (any other). Two runs with two prefixes
# share a machine without touching each other: everything that cleans up acts on its own
# prefix only. Interface names carry no prefix (each lives in the run's own namespaces).
# Sourced by lab.sh, demo.sh and bench.sh; LAB_DIR must be set.

NS_PREFIX=${JLVS_LAB_PREFIX:-jlvs-}
if ! [[ $NS_PREFIX =~ ^[a-z][a-z0-9]{0,10}-$ ]]; then
    echo "jlvs lab: JLVS_LAB_PREFIX must be a lower-case letter, up to 10 letters or digits, and '-' (like jlvs- or t4711-), was '$NS_PREFIX'" >&2
    exit 2
fi
NS_PATTERN="^${NS_PREFIX}(client|router|director|switch|rs[0-9]+)\$"
# LAB_CMD: how messages tell the operator to reach this lab again.
if [ "$NS_PREFIX" = jlvs- ]; then
    RUN=$LAB_DIR/run
    LAB_CMD="jlvs lab"
else
    RUN=$LAB_DIR/run-${NS_PREFIX%-}
    LAB_CMD="JLVS_LAB_PREFIX=$NS_PREFIX jlvs lab"
fi
