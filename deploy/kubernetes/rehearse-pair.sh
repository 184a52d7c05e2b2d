#!/usr/bin/env bash
# Rehearses the pair of statefulset.yaml on one machine, without Kubernetes: two "pods" (tandem-0, tandem-1), each in
# its own network namespace with the same ports (9880, 9701, 9780), joined by a veth pair, the headless Service's
# names (tandem-N.tandem-peers) in each namespace's hosts file, the ConfigMap's templates and a Secret's two files,
# started by the real entrypoint (tandem-k8s.sh start) on the jars the Dockerfile would copy and the flags it would
# write. Then: SIGKILL the Hot one, the other takes over; restart it, it rejoins as SECONDARY; the same the other way;
# both down, the one that was Hot last back first as a Warm SECONDARY, the other activates it and follows; SIGTERM
# of the Hot one. Prints one line per check and "N passed, N failed"; exit 1 if any failed.
#
# Needs root (network namespaces), iproute2, curl, and Maven to build the command line on first use (./tandem does).
# Manual, not part of CI; about two minutes. Cleans up after itself (namespaces, /etc/netns/<name>, processes).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d /tmp/tandem-rehearse-XXXXXX)"
NS=(tandem-rh-0 tandem-rh-1)
ADDR=(10.213.0.1 10.213.0.2)
PASSED=0
FAILED=0

[[ $EUID -eq 0 ]] || { echo "rehearse-pair.sh: needs root (network namespaces)" >&2; exit 2; }
command -v ip >/dev/null && command -v curl >/dev/null || { echo "rehearse-pair.sh: needs ip and curl" >&2; exit 2; }

teardown()
{
    local n pid
    for n in 0 1; do
        pid="$(cat "$WORK/tandem-$n/pid" 2>/dev/null || true)"
        [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
        ip netns del "${NS[$n]}" 2>/dev/null || true
        rm -rf "/etc/netns/${NS[$n]}"
    done
    echo "logs: $WORK/tandem-0/*.log $WORK/tandem-1/*.log"
}
trap teardown EXIT

check()
{
    if eval "$2"; then
        PASSED=$((PASSED + 1)); echo "PASS $1"
    else
        FAILED=$((FAILED + 1)); echo "FAIL $1"
    fi
}

# --- the image's layout: /opt/tandem/lib (tandem-cli and its runtime classpath) and tandem.args
FLAGS="$("$ROOT/tandem" jvm-options)"            # builds the command line on first use
mkdir -p "$WORK/opt/lib"
cp "$(ls "$ROOT"/cli/target/tandem-cli-*.jar | grep -v -e sources -e javadoc | head -1)" "$WORK/opt/lib/"
tr ':' '\n' < "$ROOT/cli/target/classpath.txt" | xargs -r -I{} cp {} "$WORK/opt/lib/"
printf '%s\n' "$FLAGS" > "$WORK/opt/tandem.args"

# --- what the kubelet mounts: the ConfigMap's keys (literal blocks indented by four) and the Secret's two files
for n in 0 1; do
    d="$WORK/tandem-$n"
    mkdir -p "$d/config" "$d/secrets" "$d/data" "$d/run"
    for key in primary.yaml secondary.yaml; do
        awk -v key="  $key: |" '$0 == key { on = 1; next } on && /^    / { print substr($0, 5); next }
            on && /^$/ { print ""; next } on { exit }' "$HERE/configmap.yaml" > "$d/config/$key"
        [[ -s "$d/config/$key" ]] || { echo "rehearse-pair.sh: no $key in configmap.yaml" >&2; exit 2; }
    done
    printf '0123456789abcdef0123456789abcdef' > "$d/secrets/replication-secret"
    printf 'rehearsal-admin-token-0123456789\n' > "$d/secrets/admin-token"
done

# --- the network: two namespaces, one veth pair, the headless Service's names
ip netns add "${NS[0]}"
ip netns add "${NS[1]}"
ip link add tandem-rh-v0 type veth peer name tandem-rh-v1
for n in 0 1; do
    ip link set "tandem-rh-v$n" netns "${NS[$n]}"
    ip -n "${NS[$n]}" addr add "${ADDR[$n]}/24" dev "tandem-rh-v$n"
    ip -n "${NS[$n]}" link set lo up
    ip -n "${NS[$n]}" link set "tandem-rh-v$n" up
    mkdir -p "/etc/netns/${NS[$n]}"
    printf '127.0.0.1 localhost\n%s tandem-0.tandem-peers\n%s tandem-1.tandem-peers\n' "${ADDR[0]}" "${ADDR[1]}" \
        > "/etc/netns/${NS[$n]}/hosts"
done

start()
{
    local n="$1" d="$WORK/tandem-$1"
    ip netns exec "${NS[$n]}" env HOSTNAME="tandem-$n" TANDEM_CONFIG_DIR="$d/config" TANDEM_SECRETS_DIR="$d/secrets" \
        TANDEM_DATA_DIR="$d/data" TANDEM_RUN_DIR="$d/run" TANDEM_HOME="$WORK/opt" TANDEM_JAVA_OPTS="-Xms128m -Xmx128m" \
        setsid "$HERE/tandem-k8s.sh" start >> "$d/out.log" 2>> "$d/err.log" < /dev/null &
    echo $! > "$d/pid"
    disown   # killed on purpose: no job notices
}

state()
{
    ip netns exec "${NS[$1]}" curl -s --max-time 1 "http://127.0.0.1:9780/service/state" 2>/dev/null || true
}

# waits up to 90 s until tandem-$1's /service/state holds each of the following strings
await_state()
{
    local n="$1" s="" i want ok
    shift
    for i in $(seq 1 180); do
        s="$(state "$n")"
        ok=1
        for want in "$@"; do [[ "$s" == *"$want"* ]] || ok=0; done
        (( ok )) && { echo "     tandem-$n: $s"; return 0; }
        sleep 0.5
    done
    echo "     tandem-$n: $s"
    return 1
}

stop()
{
    local pid
    pid="$(cat "$WORK/tandem-$2/pid")"
    kill "-$1" "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}

ready()
{
    ip netns exec "${NS[$1]}" env HOSTNAME="tandem-$1" "$HERE/tandem-k8s.sh" ready
}

last_role_line()
{
    grep -h "tandem-k8s: role" "$WORK/tandem-$1/err.log" | tail -1
}

echo "--- both start: tandem-0 PRIMARY (no peer answers, ordinal 0), tandem-1 SECONDARY"
start 0
start 1
check "tandem-0 Hot PRIMARY at epoch 1" 'await_state 0 "\"role\":\"PRIMARY\"" "\"mode\":\"Hot\"" "\"epoch\":1"'
check "tandem-1 Warm SECONDARY" 'await_state 1 "\"role\":\"SECONDARY\"" "\"mode\":\"Warm\""'
check "readiness: tandem-0 ready (Hot)" 'ready 0'
check "readiness: tandem-1 not ready (Warm)" '! ready 1'

echo "--- SIGKILL tandem-0: tandem-1 takes over"
stop 9 0
check "tandem-1 Hot at epoch 2" 'await_state 1 "\"mode\":\"Hot\"" "\"epoch\":2"'
check "readiness: tandem-1 ready" 'ready 1'
echo "--- tandem-0 restarts: rejoins as SECONDARY"
start 0
check "tandem-0 Warm SECONDARY at epoch 2" 'await_state 0 "\"role\":\"SECONDARY\"" "\"mode\":\"Warm\"" "\"epoch\":2"'
check "it chose SECONDARY because its peer is Hot" '[[ "$(last_role_line 0)" == *"is Hot at epoch 2"* ]]'

echo "--- the other way: SIGKILL tandem-1, tandem-0 takes over, tandem-1 rejoins"
stop 9 1
check "tandem-0 Hot at epoch 3" 'await_state 0 "\"mode\":\"Hot\"" "\"epoch\":3"'
start 1
check "tandem-1 Warm SECONDARY at epoch 3" 'await_state 1 "\"mode\":\"Warm\"" "\"epoch\":3"'

echo "--- both down, tandem-1 Hot last (epoch 4) and back first; tandem-0 (epoch 3) activates it and follows"
stop 9 0
check "tandem-1 Hot at epoch 4" 'await_state 1 "\"mode\":\"Hot\"" "\"epoch\":4"'
stop 9 1
start 1
check "tandem-1 back Warm at epoch 4 (no peer, ordinal 1)" 'await_state 1 "\"mode\":\"Warm\"" "\"epoch\":4"'
start 0
check "tandem-1 activated by tandem-0's entrypoint: Hot at epoch 5" 'await_state 1 "\"mode\":\"Hot\"" "\"epoch\":5"'
check "tandem-0 Warm SECONDARY at epoch 5" 'await_state 0 "\"role\":\"SECONDARY\"" "\"mode\":\"Warm\"" "\"epoch\":5"'

echo "--- SIGTERM of the Hot pod (kubectl delete pod): it exits, the other takes over"
check "tandem-1 exits within 10 s of SIGTERM" 'stop TERM 1'
check "tandem-0 Hot at epoch 6" 'await_state 0 "\"mode\":\"Hot\"" "\"epoch\":6"'

echo "$PASSED passed, $FAILED failed"
(( FAILED == 0 ))
