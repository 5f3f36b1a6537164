# Sourced by bin/* and run by cdk.json: builds what a command needs from this checkout's sources alone, so nothing
# depends on what an earlier `mvn install` left in ~/.m2. What Maven and the CDK CLI print goes to target/build.log
# and target/synth.log, shown only when they fail: the tools print their own output and nothing else.

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
BUILD_LOG=target/build.log
SYNTH_LOG=target/synth.log

# quietly LOG COMMAND...: runs COMMAND with its output in LOG, and shows that output only if it fails.
quietly() {
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "failed: $* (log: $log)" >&2
    exit 1
  fi
}

quiet_mvn() {
  quietly "$BUILD_LOG" mvn -B -ntp -Dstyle.color=never "$@"
}

# The stack's assets (functions/<service>/target/<service>-lambda.jar) and the jars of the benchmark's cold-start
# references (baseline, sdk-floor): packaged when one is missing or any source, resource or pom they are built from
# is newer than the oldest of them.
build_function_jars() {
  local jars=(functions/{library,notification,analytics,audit}/target/*-lambda.jar
              benchmarks/{baseline,sdk-floor}/target/*-lambda.jar) oldest=""
  for jar in "${jars[@]}"; do
    [ -f "$jar" ] || { oldest=""; break; }
    if [ -z "$oldest" ] || [ "$jar" -ot "$oldest" ]; then oldest=$jar; fi
  done
  if [ -z "$oldest" ] || [ -n "$(find pom.xml events-schema functions benchmarks/baseline benchmarks/sdk-floor \
      -name target -prune -o -type f -newer "$oldest" -print -quit)" ]; then
    echo "building the function jars (mvn package -DskipTests) ..." >&2
    quiet_mvn package -DskipTests
  fi
}

# The pinned CDK CLI (package.json), then the template the local cloud runs; ARGS (-c KEY=VALUE ...) go to the synth.
synthesize() {
  [ -x node_modules/.bin/cdk ] || quietly "$SYNTH_LOG" npm install --no-audit --no-fund
  quietly "$SYNTH_LOG" npx cdk synth -q -c deletionProtection=false "$@"
}

# Compiles MODULE with the reactor modules it needs and runs MAIN on the classpath resolved from the reactor:
# run_module tools/ops dev.libraryevents.ops.Ops ARGS...
# Maven runs only when the classpath was never resolved or a source, resource or pom of the checkout is newer than
# it; otherwise the classes compiled last time are run at once (a tool people run often should answer at once).
run_module() {
  local module=$1 main=$2 classpath
  shift 2
  classpath="target/classpath/$(basename "$module").txt"
  if [ ! -s "$classpath" ] || [ ! -d "$module/target/classes" ] || sources_newer_than "$classpath"; then
    quiet_mvn -pl "$module" -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
        -Dmdep.outputFile="$PWD/$classpath"
    touch "$classpath"
  fi
  exec java -cp "$module/target/classes:$(cat "$classpath")" "$main" "$@"
}

# sources_newer_than FILE: whether any pom, source or resource of the Java modules changed after FILE.
sources_newer_than() {
  [ -n "$(find pom.xml events-schema functions tools infra benchmarks chaos \
      \( -name target -o -name node_modules \) -prune -o -type f -newer "$1" -print -quit)" ]
}
