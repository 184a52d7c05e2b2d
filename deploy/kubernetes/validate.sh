#!/usr/bin/env bash
# Validates every manifest of deploy/kubernetes against the Kubernetes API schemas, offline: the schemas ship in the
# npm packages of validator/package.json (pinned by validator/package-lock.json; `npm ci` installs them from the npm
# registry or its cache, nothing is fetched while validating). Then proves the validator can fail: each file in
# validator/testdata must be rejected with the message its "# expect:" line names. Also checks the entrypoint's shell
# syntax. The node YAML of the ConfigMap is checked by the node's own config reader in cli's KubernetesConfigTest.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "validate.sh: node (Node.js 20 or later) is needed" >&2; exit 2; }
command -v npm >/dev/null || { echo "validate.sh: npm is needed" >&2; exit 2; }

(cd validator && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

bash -n tandem-k8s.sh

echo "--- validator self-test: every file in validator/testdata must be rejected"
for bad in validator/testdata/*.yaml; do
    expect="$(sed -n 's/^# expect: //p' "$bad" | head -1)"
    [[ -n "$expect" ]] || { echo "validate.sh: $bad has no '# expect:' line" >&2; exit 2; }
    if output="$(node validator/validate.mjs "$bad")"; then
        echo "$output"
        echo "validate.sh: $bad was accepted; the validator must reject it ($expect)" >&2
        exit 1
    fi
    if [[ "$output" != *"$expect"* ]]; then
        echo "$output"
        echo "validate.sh: $bad was rejected, but not for '$expect'" >&2
        exit 1
    fi
    echo "rejected as expected: $(basename "$bad") ($expect)"
done

echo "--- the manifests"
shopt -s nullglob
manifests=(*.yaml)
(( ${#manifests[@]} > 0 )) || { echo "validate.sh: no manifest found" >&2; exit 1; }
node validator/validate.mjs "${manifests[@]}"
