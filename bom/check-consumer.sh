#!/usr/bin/env bash
# Proves the README's embedding snippet: an application that imports tandem-bom and depends on tandem-node alone
# (bom/consumer) resolves from a local repository holding Tandem's modules, gets exactly the runtime jars Tandem's
# own build tests tandem-node with, and opens a journal with the flags of `./tandem jvm-options`.
# Nothing goes to ~/.m2 (other builds share it): Tandem is installed into a temporary repository whose only
# "remote" is ~/.m2 itself (file://, no network), and the consumer is built offline against that repository.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tandem-consumer.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
REPO="$WORK/repo"
cat > "$WORK/settings.xml" <<SETTINGS
<settings>
  <mirrors>
    <mirror><id>m2-as-remote</id><mirrorOf>*</mirrorOf><url>file://$HOME/.m2/repository</url></mirror>
  </mirrors>
</settings>
SETTINGS
MVN=(mvn -B -q -ntp -Dstyle.color=never -s "$WORK/settings.xml" -Dmaven.repo.local="$REPO")
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

echo "check-consumer: installing tandem-bom and tandem-node into $REPO"
"${MVN[@]}" -f "$ROOT/pom.xml" -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true install -pl bom,node -am
"${MVN[@]}" -f "$ROOT/node/pom.xml" "$DEPENDENCY_PLUGIN:build-classpath" -DincludeScope=runtime \
    -Dmdep.outputFile="$WORK/node-classpath.txt"

echo "check-consumer: building bom/consumer offline (BOM import + tandem-node)"
cp -r "$ROOT/bom/consumer" "$WORK/consumer"
"${MVN[@]}" -o -f "$WORK/consumer/pom.xml" package

jar_names()
{
    tr ':' '\n' < "$1" | sed 's:.*/::' | sort
}
# the consumer's list holds tandem-node itself besides its runtime dependencies
if ! diff <(jar_names "$WORK/node-classpath.txt") \
    <(jar_names "$WORK/consumer/target/classpath.txt" | grep -v '^tandem-node-') \
    > "$WORK/diff.txt"; then
    echo "check-consumer: FAILED: the consumer resolves other runtime jars than Tandem's build (< build, > consumer):"
    cat "$WORK/diff.txt"
    exit 1
fi
if jar_names "$WORK/consumer/target/classpath.txt" | grep -q '^slf4j-simple'; then
    echo "check-consumer: FAILED: tandem-node brings a logging binding (slf4j-simple)"
    exit 1
fi

CLASSPATH="$WORK/consumer/target/classes:$(cat "$WORK/consumer/target/classpath.txt")"
mapfile -t FLAGS < <("$JAVA" -cp "$CLASSPATH" dev.tandem.journal.JvmOptions)
OUTPUT="$("$JAVA" "${FLAGS[@]}" -cp "$CLASSPATH" com.example.EmbeddedJournal "$WORK/journal" 2>&1)"
if [[ "$OUTPUT" != *"EMBEDDED OK position=1 node=dev.tandem.node.Node"* ]]; then
    echo "check-consumer: FAILED: the consumer did not run:"
    echo "$OUTPUT"
    exit 1
fi
echo "check-consumer: OK: $(jar_names "$WORK/consumer/target/classpath.txt" | wc -l) runtime jars, as in Tandem's build; $(echo "$OUTPUT" | grep 'EMBEDDED OK')"
