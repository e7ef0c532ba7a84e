#!/usr/bin/env bash
# The one test command: everything the tests need, the whole test suite, then the consumer projects built the way
# users build against Cascade. From a clone, on Debian with a JDK 17 and Maven 3.8+ (and root or sudo the first time):
#
#   scripts/test-all.sh
#
# 1. Installs Debian's chromium and chromium-driver when missing (the reviewer console's browser tests drive them), and
#    npm (the console's accessibility check fetches axe-core with `npm pack` on first use).
# 2. Builds Jaeger v1.75.0 into .tools/bin when missing (scripts/jaeger.sh; needs Go >= 1.24.6) and exports
#    CASCADE_JAEGER_BIN for the telemetry tests, which start and stop it themselves. Without Go the two Jaeger tests
#    are skipped with a warning, except under CI=true, where the run stops.
# 3. mvn -B -ntp install: the full test suite, then the artifacts (cascade-bom, cascade-core, cascade-test, cascade-spring, ...) go
#    to the local Maven repository, so the consumers below resolve them as a user's build does.
# 4. Compiles cascade-core, cascade-eval and cascade-spring against the OpenTelemetry API that Spring Boot 4.0.x manages (1.55.0),
#    so no newer OpenTelemetry method creeps in (an application on Boot's parent gets that version at run time).
# 5. Checks that importing cascade-bom manages Cascade's artifacts and nothing else.
# 6. mvn -B -ntp -f consumers/<x>/pom.xml verify -Dcascade.version=<this build's version> for each consumer project
#    (none inherits Cascade's parent pom).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OTEL_API_FLOOR="1.55.0" # opentelemetry.version in spring-boot-dependencies 4.0.7
HELP_PLUGIN="org.apache.maven.plugins:maven-help-plugin:3.5.2"
CONSUMERS=(plain-maven spring-boot spring-boot-langchain4j test-kit)

step() { echo "test-all: $*" >&2; }

MISSING=()
if ! command -v chromium >/dev/null 2>&1; then MISSING+=(chromium); fi
if ! command -v chromedriver >/dev/null 2>&1; then MISSING+=(chromium-driver); fi
if ! command -v npm >/dev/null 2>&1; then MISSING+=(npm); fi
if [ "${#MISSING[@]}" -gt 0 ]; then
  step "installing ${MISSING[*]} for the reviewer console's browser and accessibility tests"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${MISSING[@]}" >/dev/null
fi

step "Jaeger binary for the telemetry tests"
if CASCADE_JAEGER_BIN="$("$ROOT/scripts/jaeger.sh")"; then
  export CASCADE_JAEGER_BIN
  step "CASCADE_JAEGER_BIN=$CASCADE_JAEGER_BIN"
elif [ "${CI:-}" = "true" ]; then
  step "no Jaeger binary (see above): CI runs the trace tests against a real Jaeger, so this run stops here"
  exit 1
else
  # Without Go a developer can still run everything else; the two Jaeger tests say they were skipped, and CI
  # (CI=true) never skips them.
  step "WARNING: no Jaeger binary (see above); OutageDemoJaegerTest and TriageJaegerTest will be skipped"
fi

step "mvn install (all modules, all tests)"
mvn -B -ntp install
# The consumers build against the version just installed (their own <cascade.version> is only a default), so a
# version bump never tests stale artifacts from an earlier install.
# Maven may wrap the printed value in colour resets (ESC[0m) even in batch mode: strip them, then insist on a version.
CASCADE_VERSION="$(mvn -B -ntp -q -Dstyle.color=never "$HELP_PLUGIN:evaluate" -Dexpression=project.version \
    -DforceStdout | sed 's/\x1b\[[0-9;]*m//g' | tr -d '[:space:]')"
if ! [[ "$CASCADE_VERSION" =~ ^[0-9][0-9A-Za-z.+_-]*$ ]]; then
  echo "test-all: could not read this build's version (got '$CASCADE_VERSION')" >&2
  exit 1
fi
step "cascade.version=$CASCADE_VERSION"

step "cascade-core, cascade-eval and cascade-spring compile against opentelemetry-api $OTEL_API_FLOOR (Spring Boot 4.0.x)"
mvn -B -ntp -q -pl sdk-core,sdk-eval,sdk-spring -am compile -Dopentelemetry.version="$OTEL_API_FLOOR" \
    -Dcascade.target=target-otel-floor

step "cascade-bom manages Cascade's artifacts only"
effective="$ROOT/consumers/plain-maven/target/effective-pom.xml"
mvn -B -ntp -q -f consumers/plain-maven/pom.xml "$HELP_PLUGIN:effective-pom" -Doutput="$effective" \
    -Dcascade.version="$CASCADE_VERSION"
managed="$(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/p' "$effective")"
# Not vacuous: an empty (or unparsed) dependencyManagement would pass the check below, so first the BOM must manage
# Cascade's own artifacts.
for a in cascade-core cascade-test cascade-eval cascade-spring; do
  if ! grep -q "<artifactId>$a</artifactId>" <<<"$managed"; then
    echo "test-all: importing cascade-bom $CASCADE_VERSION does not manage $a" >&2
    exit 1
  fi
done
foreign="$(grep -o '<groupId>[^<]*</groupId>' <<<"$managed" | sort -u | grep -v -e '<groupId>dev.cascade</groupId>' \
    -e '<groupId>org.junit[^<]*</groupId>' || true)"
if [ -n "$foreign" ]; then
  echo "test-all: importing cascade-bom manages more than Cascade's artifacts (and the consumer's JUnit BOM):" >&2
  echo "$foreign" >&2
  exit 1
fi

for c in "${CONSUMERS[@]}"; do
  step "consumer $c"
  mvn -B -ntp -f "consumers/$c/pom.xml" verify -Dcascade.version="$CASCADE_VERSION"
done
step "all passed"
