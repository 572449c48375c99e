#!/usr/bin/env bash
# Checks that corepin can be used as the README's "Use corepin in your project" says: installs corepin's published modules (parent, BOM, ring,
# affinity, runtime, metrics) into a private local repository, then builds this consumer project against it and runs
# it. The shared ~/.m2 is only read (copied once, without any corepin artifact, to seed the private repository), so
# no corepin snapshot from this check leaks into other builds.
#
#   bash examples/consumer/check.sh            # offline (the seed has every plugin and dependency needed)
#   COREPIN_CONSUMER_REPO=/some/dir bash ...   # another private repository (default /tmp/corepin-consumer-repo)
#   COREPIN_CONSUMER_ONLINE=1 bash ...         # let Maven download what the seed lacks
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repo="${COREPIN_CONSUMER_REPO:-/tmp/corepin-consumer-repo}"
shared="${HOME}/.m2/repository"
offline=-o
[[ "${COREPIN_CONSUMER_ONLINE:-}" == 1 ]] && offline=

if [[ "$(cd "$shared" 2>/dev/null && pwd -P)" == "$(mkdir -p "$repo" && cd "$repo" && pwd -P)" ]]; then
    echo "check.sh: the private repository must not be the shared one ($shared)" >&2
    exit 2
fi

if [[ ! -e "$repo/.seeded" ]]; then
    echo "== seeding $repo from $shared (once; corepin artifacts left out)"
    [[ -d "$shared" ]] && cp -a "$shared/." "$repo/"
    rm -rf "$repo/io/corepin"
    touch "$repo/.seeded"
fi
rm -rf "$repo/io/corepin" # every run tests the artifacts built now, never an older install

echo "== installing corepin into $repo"
(cd "$root" && mvn $offline -B -q -Dmaven.repo.local="$repo" -Dmaven.test.skip=true \
    -pl bom,ring,affinity,runtime,metrics -am install)
for a in ring affinity runtime metrics; do
    for jar in "" -sources -javadoc; do
        f="$repo/io/corepin/corepin-$a/0.1.0-SNAPSHOT/corepin-$a-0.1.0-SNAPSHOT$jar.jar"
        [[ -s "$f" ]] || { echo "check.sh: missing $f" >&2; exit 1; }
    done
done
[[ -s "$repo/io/corepin/corepin-bom/0.1.0-SNAPSHOT/corepin-bom-0.1.0-SNAPSHOT.pom" ]] \
    || { echo "check.sh: corepin-bom was not installed" >&2; exit 1; }

echo "== building the consumer against it"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
(cd "$here" && mvn $offline -B -q -Dmaven.repo.local="$repo" package dependency:build-classpath \
    -Dmdep.outputFile="$cp_file")

deps="$(cat "$cp_file")"
# The consumer is a named module (src/main/java/module-info.java: requires io.corepin.runtime), so the compile above
# already resolved corepin's module descriptors on the module path; run it both ways a user can.
# A class missing on one path but not the other only shows as a logged warning (e.g. OpenHFT's Affinity failing to
# initialize makes every Exec run unpinned): such a line in the output fails the check too.
run() {
    local out
    out="$("$@" 2>&1)" || { echo "$out"; echo "check.sh: the consumer failed" >&2; exit 1; }
    echo "$out"
    if grep -qE 'NoClassDefFoundError|ClassNotFoundException|IllegalAccessError|Could not initialize class' <<<"$out"; then
        echo "check.sh: a class could not be loaded (above)" >&2
        exit 1
    fi
}
echo "== running it on the module path"
run java -p "$here/target/classes:$deps" -m com.example.consumer/com.example.consumer.Hello
echo "== running it on the class path"
run java -cp "$here/target/classes:$deps" com.example.consumer.Hello
