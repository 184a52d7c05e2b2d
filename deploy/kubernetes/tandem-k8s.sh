#!/usr/bin/env bash
# Tandem's container entrypoint for a StatefulSet pair (installed in the image as /opt/tandem/bin/tandem-k8s).
#
#   tandem-k8s start          pick the role, render the node's YAML, exec the node (java becomes PID 1: SIGTERM
#                             reaches its shutdown hook, which closes the node; the JVM then exits 143)
#   tandem-k8s role           print the role this pod would start in (PRIMARY or SECONDARY) and why, start nothing
#   tandem-k8s render ROLE    print the node's YAML for ROLE with this pod's substitutions applied
#   tandem-k8s ready          exit 0 only while the local node is Hot (accepts FIX): the readiness probe
#
# The pod's identity comes from its hostname, <statefulset>-<ordinal> (tandem-0, tandem-1); the peer is the other
# ordinal, reached through the headless Service as <statefulset>-<peer ordinal>.<TANDEM_PEER_SERVICE>.
#
# The role (see deploy/kubernetes/README.md, "Which role a pod starts in"):
#   1. the peer's admin API answers and it is Hot              -> SECONDARY, following it (a restarted pod rejoins)
#   2. the peer answers Warm at a higher epoch than our journal -> the peer holds the newer history and waits for a
#      primary that will not come: activate it (PUT /service/activationmode/hot with the admin token; it checks
#      itself that nothing answers on our addresses), then SECONDARY
#   3. the peer answers and is not Hot (Warm at our epoch or lower, Stale, Failed) -> PRIMARY; the node's own
#      start-up check against peerAdmin still refuses a journal shorter than the peer's at the same epoch (exit 2)
#   4. the peer does not answer (first start, or it is down too) -> ordinal 0 PRIMARY, ordinal 1 SECONDARY
#
# Environment (defaults in brackets): TANDEM_CONFIG_DIR [/etc/tandem/config] holds primary.yaml and secondary.yaml
# (the ConfigMap); TANDEM_SECRETS_DIR [/etc/tandem/secrets] holds replication-secret and admin-token (the Secret);
# TANDEM_DATA_DIR [/var/lib/tandem] is the persistent volume; TANDEM_RUN_DIR [/run/tandem] receives node.yaml;
# TANDEM_PEER_SERVICE [tandem-peers] the headless Service; TANDEM_PEER_HOST [<peer pod>.$TANDEM_PEER_SERVICE] the
# peer's host name (another cluster domain; tests); TANDEM_ADMIN_PORT [9780]; TANDEM_PEER_ADMIN [peer host:admin port]
# the peer's admin address (tests); TANDEM_HOME [/opt/tandem] holds lib/ and tandem.args; TANDEM_JAVA_OPTS,
# TANDEM_LOG_LEVEL [warn] as for ./tandem; TANDEM_PEER_DNS_WAIT_SECONDS [600] how long a SECONDARY waits for the
# peer's name to resolve before it exits 3 (the kubelet starts it again).
set -euo pipefail

CONFIG_DIR="${TANDEM_CONFIG_DIR:-/etc/tandem/config}"
SECRETS_DIR="${TANDEM_SECRETS_DIR:-/etc/tandem/secrets}"
DATA_DIR="${TANDEM_DATA_DIR:-/var/lib/tandem}"
RUN_DIR="${TANDEM_RUN_DIR:-/run/tandem}"
PEER_SERVICE="${TANDEM_PEER_SERVICE:-tandem-peers}"
ADMIN_PORT="${TANDEM_ADMIN_PORT:-9780}"
TANDEM_HOME="${TANDEM_HOME:-/opt/tandem}"
POD="${HOSTNAME:-$(hostname)}"

log()
{
    echo "tandem-k8s: $*" >&2
}

die()
{
    log "$2"
    exit "$1"
}

# tandem-0 -> set "tandem", ordinal 0; anything else is not a StatefulSet pod
[[ "$POD" =~ ^(.+)-([0-9]+)$ ]] || die 2 "hostname '$POD' is not <statefulset>-<ordinal>: run this in a StatefulSet pod"
SET_NAME="${BASH_REMATCH[1]}"
ORDINAL="${BASH_REMATCH[2]}"
(( ORDINAL <= 1 )) || die 2 "pod '$POD' has ordinal $ORDINAL: a Tandem pair is ordinals 0 and 1 (replicas: 2)"
PEER_POD="$SET_NAME-$(( 1 - ORDINAL ))"
PEER_HOST="${TANDEM_PEER_HOST:-$PEER_POD.$PEER_SERVICE}"
PEER_ADMIN="${TANDEM_PEER_ADMIN:-$PEER_HOST:$ADMIN_PORT}"
NODE_ID=$(( ORDINAL + 1 ))
JOURNAL_DIR="$DATA_DIR/journal"

# the epoch our journal last knew (0 for a fresh volume): <journal.dir>/tandem-epoch, two lines "<epoch, 20 digits>
# <sequence, 20 digits> <CRC32C, 8 hex>" of which the higher sequence is current (a file of the older format holds one
# whole number). The checksums are the node's to verify when it starts: a damaged file stops it, naming the file.
local_epoch()
{
    local file="$JOURNAL_DIR/tandem-epoch"
    [[ -f "$file" ]] || { echo 0; return; }
    local epoch="" best=-1 value sequence crc
    while read -r value sequence crc; do
        if [[ "$value" =~ ^[0-9]{20}$ && "$sequence" =~ ^[0-9]{20}$ && "$crc" =~ ^[0-9a-f]{8}$ ]]; then
            if (( 10#$sequence > best )); then
                best=$(( 10#$sequence ))
                epoch=$(( 10#$value ))
            fi
        elif [[ -z "$sequence" && "$value" =~ ^[0-9]+$ ]]; then
            epoch=$(( 10#$value ))
            best=0
        fi
    done < "$file"
    [[ -n "$epoch" ]] || die 2 "$file holds '$(tr -c '[:print:]' '?' < "$file")', expected the epoch"
    echo "$epoch"
}

# GET /service/state of the peer: its JSON on stdout, or nothing when it does not answer 200 within 2 s
peer_state()
{
    curl -fsS --max-time 2 "http://$PEER_ADMIN/service/state" 2>/dev/null || true
}

json_field()
{
    sed -n "s/.*\"$1\":\"\\{0,1\\}\\([A-Za-z0-9]*\\).*/\\1/p" <<< "$2"
}

# prints PRIMARY or SECONDARY on stdout, the reason on stderr
decide_role()
{
    local state mode epoch ours answer
    state="$(peer_state)"
    ours="$(local_epoch)"
    if [[ -n "$state" ]]; then
        mode="$(json_field mode "$state")"
        epoch="$(json_field epoch "$state")"
        [[ "$epoch" =~ ^[0-9]+$ ]] || die 3 "peer $PEER_ADMIN answered /service/state without an epoch: $state"
        if [[ "$mode" == "Hot" ]]; then
            log "role SECONDARY: peer $PEER_POD is Hot at epoch $epoch (our journal's epoch $ours): following it"
            echo SECONDARY
            return
        fi
        if [[ "$mode" == "Warm" ]] && (( epoch > ours )); then
            log "peer $PEER_POD is Warm at epoch $epoch > our journal's epoch $ours: it holds the newer history;" \
                "activating it before following it"
            local token
            token="$(tr -d '\r\n' < "$SECRETS_DIR/admin-token")"
            answer="$(curl -sS --max-time 30 -X PUT -H "Authorization: Bearer $token" \
                -w ' HTTP %{http_code}' "http://$PEER_ADMIN/service/activationmode/hot" 2>&1 || true)"
            [[ "$answer" == *"HTTP 200" ]] || die 3 "activating peer $PEER_POD failed: $answer; exiting, the kubelet" \
                "starts this pod again"
            log "role SECONDARY: peer $PEER_POD activated: $answer"
            echo SECONDARY
            return
        fi
        log "role PRIMARY: peer $PEER_POD answers $mode at epoch $epoch, our journal's epoch is $ours"
        echo PRIMARY
        return
    fi
    if (( ORDINAL == 0 )); then
        log "role PRIMARY: peer $PEER_POD does not answer at $PEER_ADMIN and this is ordinal 0 (our journal's" \
            "epoch $ours)"
        echo PRIMARY
    else
        log "role SECONDARY: peer $PEER_POD does not answer at $PEER_ADMIN and this is ordinal $ORDINAL (our" \
            "journal's epoch $ours)"
        echo SECONDARY
    fi
}

# the node's YAML for role $1: the ConfigMap's template with this pod's values in place of the @...@ markers
render()
{
    local role="$1" template
    case "$role" in
        PRIMARY) template="$CONFIG_DIR/primary.yaml" ;;
        SECONDARY) template="$CONFIG_DIR/secondary.yaml" ;;
        *) die 2 "role '$role': expected PRIMARY or SECONDARY" ;;
    esac
    [[ -r "$template" ]] || die 2 "$template does not exist or is not readable (the ConfigMap's $(basename "$template"))"
    local out
    out="$(sed -e "s|@NODE_ID@|$NODE_ID|g" -e "s|@PEER_HOST@|$PEER_HOST|g" -e "s|@DATA_DIR@|$DATA_DIR|g" \
        -e "s|@SECRETS_DIR@|$SECRETS_DIR|g" "$template")"
    if grep -q '@[A-Z_]*@' <<< "$out"; then
        die 2 "$template has a marker this script does not replace: $(grep -o '@[A-Z_]*@' <<< "$out" | sort -u | tr '\n' ' ')"
    fi
    printf '%s\n' "$out"
}

# a SECONDARY's replication.connect must resolve when the node starts (it is resolved once): wait for the peer's DNS
# record, which the headless Service publishes as soon as the peer pod has an address, ready or not
await_peer_dns()
{
    local waited=0 limit="${TANDEM_PEER_DNS_WAIT_SECONDS:-600}"
    until getent hosts "$PEER_HOST" >/dev/null; do
        (( waited % 10 == 0 )) && log "waiting for $PEER_HOST to resolve (${waited}s of ${limit}s)"
        (( waited >= limit )) && die 3 "$PEER_HOST did not resolve within ${limit}s"
        sleep 1
        waited=$(( waited + 1 ))
    done
}

start()
{
    local role
    role="$(decide_role)"
    mkdir -p "$RUN_DIR" "$JOURNAL_DIR"
    render "$role" > "$RUN_DIR/node.yaml"
    [[ "$role" == SECONDARY ]] && await_peer_dns
    [[ -s "$TANDEM_HOME/tandem.args" ]] || die 2 "$TANDEM_HOME/tandem.args is missing: the image writes it at build time"
    log "starting $POD (node-$NODE_ID) as $role with $RUN_DIR/node.yaml"
    # word splitting of TANDEM_JAVA_OPTS is intended: it holds several options
    # shellcheck disable=SC2086
    exec java "@$TANDEM_HOME/tandem.args" ${TANDEM_JAVA_OPTS:-} \
        -Dorg.slf4j.simpleLogger.defaultLogLevel="${TANDEM_LOG_LEVEL:-warn}" \
        -cp "$TANDEM_HOME/lib/*" dev.tandem.node.NodeMain node --config "$RUN_DIR/node.yaml"
}

ready()
{
    local answer
    answer="$(curl -fsS --max-time 1 "http://127.0.0.1:$ADMIN_PORT/service/activationmode")" || exit 1
    [[ "$answer" == *'"mode":"Hot"'* ]]
}

case "${1:-}" in
    start) start ;;
    role) decide_role ;;
    render) render "${2:-}" ;;
    ready) ready ;;
    *) die 2 "usage: tandem-k8s start | role | render PRIMARY|SECONDARY | ready" ;;
esac
