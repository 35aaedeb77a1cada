#!/usr/bin/env bash
# Benchmarks of cms-webhook-router on this machine, everything on loopback. See bench/README.md.
#
#   bench/run.sh [smoke|ingest|backlog|fanout|memory|lag|cluster|all]        (default: all; cluster is not in all)
#   BASELINE_REF=77cf577 bench/run.sh all     also the previous release: every router part runs with its jar
#                                             ("before") and with the current one ("after"), in this one invocation
#
# Builds what it needs (the router jar if target/*.jar is missing or REBUILD=1, the baseline's jar in
# bench/.cache/baseline-<sha>/ when BASELINE_REF is set, bench/bare, the JDK-only tools in bench/tools), installs its
# load tool (wrk, from Debian's packages) and the npm peer (bench/peer) when missing, starts the simulator, the
# router, the bare baseline and the peer on 127.0.0.1, measures, stops everything it started (and only that), and
# writes bench/results/REPORT.md with its raw numbers in bench/results/raw/ (`all`), or bench/results/last-<scenario>/
# for a single scenario. `smoke` writes nothing there: ~10 s of ingest at a low rate against the current router (no
# baseline, no wrk, no npm); it exits non-zero unless every request got 202.
#
# Settings (environment): BASELINE_REF (a git ref; empty: no baseline); REBUILD=1 rebuilds the current jar;
# CURRENT_TREE (default: the repository) is where the current jar, config/ and routes/ are taken from; PROFILE=1
# records JFR of the current router at ingest saturation and summarises it; PIN=1 pins the servers to CPU 1 and the
# load generators to CPU 0 (taskset); JVM_FLAGS (default -Xmx512m, router and bare); the durations, rates and sizes
# below.
set -euo pipefail

SCENARIO="${1:-all}"
case "$SCENARIO" in
  smoke | ingest | backlog | fanout | memory | lag | cluster | all) ;;
  *) echo "usage: [BASELINE_REF=<git ref>] bench/run.sh [smoke|ingest|backlog|fanout|memory|lag|cluster|all]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

: "${BASELINE_REF:=}"               # the previous release's commit (release notes: 77cf577); empty = current jar only
: "${REBUILD:=0}"                   # 1: build the current jar even when target/ has one
: "${CURRENT_TREE:=$ROOT}"          # the tree of the current version ("after"): its target/ jar, config/ and routes/
: "${JVM_FLAGS:=-Xmx512m}"
# below the kernel's ephemeral range (32768-60999), so an outgoing connection cannot hold a server's port
: "${PORT_ROUTER:=29180}" "${PORT_BARE:=29181}" "${PORT_PEER:=29182}" "${PORT_SIM:=29190}"
: "${INGEST_TARGETS:=bare peer router process-crash}" # process-crash: the current router with --router.durability=process-crash
: "${INGEST_RATES:=200 500 1000}"   # fixed offered rates (open loop), full bodies, every target
: "${INGEST_DURATION:=15}"          # seconds per fixed-rate run
: "${INGEST_GRACE:=5}"              # seconds an overloaded server gets after that before the run is cut
: "${CONCISE_RATES:=}"             # fixed rates for concise bodies too (default: concise at saturation only)
: "${LOAD_WORKERS:=128}"            # open-loop generator: requests in flight at most (one connection each)
: "${WARMUP_S:=20}"                 # closed-loop warm-up of each server (not recorded)
: "${SAT_DURATION:=15}" "${SAT_CONNECTIONS:=32}" "${WRK_THREADS:=2}"
: "${SAT_BODIES:=60000}"            # distinct bodies per saturation run (the router must not see one twice)
: "${DRAIN_MAX_S:=60}"              # after a router run: wait at most this long for its backlog to be applied
: "${SETTLE_MAX_S:=300}"            # after the warm-up of the backlog and lag scenarios: the same, before measuring
: "${BACKLOG_RATE:=1000}" "${BACKLOG_DURATION:=30}" "${BACKLOG_DRAIN_MAX_S:=300}"
: "${FANOUT_ITEMS:=1000 10000}" "${FANOUT_LATENCY_MS:=20}" "${RAISED_ITEMS:=1000}" "${OVER_ITEMS:=500}"
: "${HIGH_ITEMS:=5000}" "${HIGH_LATENCY_MS:=5}" "${HIGH_CONCURRENCY:=32}" "${HIGH_CDA_RATE:=10000}" "${HIGH_CMA_RATE:=1000}"
: "${MEMORY_ITEMS:=100000}" "${MEMORY_LATENCY_MS:=5}" "${MEMORY_SAMPLES:=10000,50000,100000}"
: "${LAG_PROBES:=200}" "${LAG_INTERVAL_MS:=150}" "${LAG_BG_RPS:=200}"
: "${PROFILE:=0}" "${PIN:=0}" "${KEEP_WORK:=0}"
# cluster: the PostgreSQL database (a schema per case is created in it), the second instance's port, the job's size
: "${PG_URL:=jdbc:postgresql://localhost:5432/router_test}" "${PG_USER:=router}" "${PG_PASSWORD:=router}"
: "${PORT_ROUTER_B:=29183}" "${CLUSTER_ITEMS:=5000}" "${CLUSTER_CDA_RATE:=2000}"

SECRET="bench-hmac-secret-not-a-real-one"
ADMIN="bench-admin-token-not-a-real-one"
ROUTER="127.0.0.1:$PORT_ROUTER"
SIM="127.0.0.1:$PORT_SIM"
SIM_OPEN="--latency-ms 20 --cda-rate 0 --cma-rate 0" # the simulator for ingest, backlog and lag: 20 ms, no limits

WORK="$(mktemp -d /tmp/cms-bench.XXXXXX)"
RAW="$WORK/raw"
LOGS="$WORK/logs"
mkdir -p "$RAW" "$LOGS" "$WORK/bodies" "$WORK/data"
CLASSES="$WORK/classes"
STARTED_AT=$(date +%s)

SERVER_CPU=()
GEN_CPU=()
if [ "$PIN" = 1 ]; then
  SERVER_CPU=(taskset -c 1)
  GEN_CPU=(taskset -c 0)
fi

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ------------------------------------------------------------------------------------------- processes we start
PIDS=()
cleanup() {
  local code=$?
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  if [ "$KEEP_WORK" = 1 ] || [ "$code" != 0 ]; then
    log "work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() { # PID: no longer ours to stop
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

stop_pid() {
  local pid=$1 i
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

# records a command in the report's "exact commands"
record() { printf '%q ' "$@" | sed 's/ $//' >>"$RAW/commands.txt"; echo >>"$RAW/commands.txt"; }
note() { printf '# %s\n' "$*" >>"$RAW/commands.txt"; }
run() { record "$@"; "$@"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_bg NAME DIR CMD...: starts CMD in DIR, logs to $LOGS/NAME.log, sets LAST_PID
start_bg() {
  local name=$1 dir=$2
  shift 2
  record "$@"
  (cd "$dir" && exec "$@") >"$LOGS/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

wait_until() { # DESCRIPTION PID TIMEOUT_S CMD...: polls CMD until it succeeds
  local what=$1 pid=$2 timeout=$3 i
  shift 3
  for i in $(seq 1 $((timeout * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$what exited while starting; its log:"
      tail -40 "$LOGS/$what.log" >&2 || true
      return 1
    fi
    sleep 0.25
  done
  log "$what not ready after ${timeout}s"
  tail -40 "$LOGS/$what.log" >&2 || true
  return 1
}

# ------------------------------------------------------------------------------------------- tools and builds
install_tools() {
  if ! command -v wrk >/dev/null 2>&1 && [[ "$SCENARIO" =~ ^(ingest|backlog|lag|all)$ ]]; then
    log "installing wrk from Debian's packages"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    fi
  fi
  if [ ! -d "$BENCH/peer/node_modules/@contentstack/webhook-listener" ] && [[ "$SCENARIO" =~ ^(ingest|all)$ ]] &&
    [[ " $INGEST_TARGETS " == *" peer "* ]]; then
    log "installing the npm peer (@contentstack/webhook-listener) into bench/peer"
    (cd "$BENCH/peer" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

tree_name() { if [ "$1" = "$ROOT" ]; then echo "the repository root"; else echo "${1#"$ROOT"/}"; fi; }

newest_jar() { # DIR: the newest cms-webhook-router-*.jar in DIR, or nothing
  local jars=("$1"/cms-webhook-router-*.jar)
  [ -f "${jars[0]}" ] && ls -t "${jars[@]}" | head -1
}

# The router versions: "after" is the current jar (target/), "before" the baseline's. Each runs from its own tree:
# the router reads config/ and routes/ from its working directory.
declare -A JAR=() TREE=()
VERSIONS=after

build() {
  CURRENT_TREE=$(cd "$ROOT" && cd "$CURRENT_TREE" && pwd)
  if [ "$REBUILD" = 1 ] || [ -z "$(newest_jar "$CURRENT_TREE/target")" ]; then
    log "building the router in $CURRENT_TREE: mvn -B -q -DskipTests package"
    (cd "$CURRENT_TREE" && mvn -B -q -DskipTests package)
  fi
  JAR[after]=$(newest_jar "$CURRENT_TREE/target")
  TREE[after]=$CURRENT_TREE
  # the jar must match the tree it runs from (config/ and routes/ are read at run time): say so when it may not
  STALE=$(cd "$CURRENT_TREE" && find src config routes pom.xml -newer "${JAR[after]}" -type f 2>/dev/null | wc -l)
  if [ "$STALE" != 0 ]; then
    log "WARNING: $STALE files under src/ config/ routes/ pom.xml are newer than ${JAR[after]}: REBUILD=1 builds it afresh"
  fi
  if [[ "$SCENARIO" =~ ^(ingest|all)$ ]] && [[ " $INGEST_TARGETS " == *" bare "* ]] &&
    [ ! -f "$BENCH/bare/target/bench-bare.jar" ]; then
    log "building the bare baseline: bench/bare"
    (cd "$BENCH/bare" && mvn -B -q -DskipTests package)
  fi
  mkdir -p "$CLASSES"
  javac -d "$CLASSES" "$BENCH/tools/Bench.java" "$BENCH/tools/Simulator.java"
}

build_baseline() { # the jar of BASELINE_REF, built once into bench/.cache/baseline-<short sha>/ (a git archive export)
  local sha short dir
  sha=$(git -C "$ROOT" rev-parse --verify --quiet "$BASELINE_REF^{commit}") ||
    { log "BASELINE_REF=$BASELINE_REF is not a commit of this repository"; exit 2; }
  short=$(git -C "$ROOT" rev-parse --short "$sha")
  dir="$BENCH/.cache/baseline-$short"
  if [ -z "$(newest_jar "$dir/target")" ]; then
    log "building the baseline $BASELINE_REF ($short) in $dir: git archive, then mvn -B -q -DskipTests package"
    rm -rf "$dir"
    mkdir -p "$dir"
    git -C "$ROOT" archive "$sha" | tar -x -C "$dir"
    (cd "$dir" && mvn -B -q -DskipTests package)
  fi
  JAR[before]=$(newest_jar "$dir/target")
  TREE[before]=$dir
  VERSIONS="before after"
  BASELINE_DESC="$short, BASELINE_REF=$BASELINE_REF: $(git -C "$ROOT" log -1 --format=%s "$sha" | cut -c1-90)"
}

VER="" TAG="" # the router version being measured ("" for bare and peer), and the prefix of its raw files
use_version() {
  VER=$1
  ROUTER_JAR=${JAR[$1]}
  ROUTER_TREE=${TREE[$1]}
  if [ "$1" = before ]; then TAG=before-; else TAG=""; fi
}
no_version() { VER="" TAG=""; }

bench_cmd() { # sets BENCH_CMD: a Bench command, tagged with the version being measured
  BENCH_CMD=("${GEN_CPU[@]}" java -Xms1g -Xmx1g -cp "$CLASSES" Bench "$@")
  if [ -n "$VER" ]; then BENCH_CMD+=(--version "$VER"); fi
}
bench_tool() { bench_cmd "$@"; run "${BENCH_CMD[@]}"; }
bench_tool_bg() { # in the background; sets BG_PID
  bench_cmd "$@"
  record "${BENCH_CMD[@]}"
  "${BENCH_CMD[@]}" >&2 &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

bodies() { # KIND COUNT NAME -> prints the file
  local file="$WORK/bodies/$3.txt"
  java -cp "$CLASSES" Bench bodies --kind "$1" --count "$2" --secret "$SECRET" --prefix "$3" --out "$file" >&2
  echo "$file"
}

# ------------------------------------------------------------------------------------------- servers
start_sim() { # extra simulator args
  port_free "$PORT_SIM" || { log "port $PORT_SIM is taken"; return 1; }
  start_bg "${TAG}sim" "$ROOT" "${SERVER_CPU[@]}" java -Xmx256m -cp "$CLASSES" Simulator --port "$PORT_SIM" "$@"
  SIM_PID=$LAST_PID
  wait_until "${TAG}sim" "$SIM_PID" 30 curl -sf "http://$SIM/__stats"
}

start_router() { # NAME extra router args: the jar of the version in use (use_version), from its tree, fresh data dir
  start_router_on "$PORT_ROUTER" "$@"
  ROUTER_PID=$LAST_ROUTER_PID
}

start_router_on() { # PORT NAME extra router args: as start_router, on that port; sets LAST_ROUTER_PID
  local port=$1 name=$TAG$2
  shift 2
  port_free "$port" || { log "port $port is taken"; return 1; }
  local data="$WORK/data/$name"
  rm -rf "$data"
  # shellcheck disable=SC2086
  start_bg "$name" "$ROUTER_TREE" "${SERVER_CPU[@]}" java $JVM_FLAGS -jar "$ROUTER_JAR" \
    --server.port="$port" --server.address=127.0.0.1 --router.data-dir="$data" \
    --router.admin-token="$ADMIN" --router.security.signature=required "--router.security.hmac-secrets[0]=$SECRET" \
    --contentstack.api-key=bench_api_key --contentstack.delivery-token=bench_delivery_token \
    --contentstack.management-token=bench_management_token \
    --contentstack.cda-url="http://$SIM" --contentstack.cma-url="http://$SIM" \
    --contentstack.public-keys-url="http://$SIM/.well-known/public-keys.json" \
    --router.shutdown.grace-period=5 "$@"
  LAST_ROUTER_PID=$LAST_PID
  wait_until "$name" "$LAST_ROUTER_PID" 240 router_ready "$port"
  log "router ${VER:-} up (pid $LAST_ROUTER_PID, port $port): $*"
}
router_ready() { curl -sf "http://127.0.0.1:${1:-$PORT_ROUTER}/actuator/health/readiness" | grep -q '"status":"UP"'; }

start_bare() {
  port_free "$PORT_BARE" || { log "port $PORT_BARE is taken"; return 1; }
  # from bench/bare, so that the router's config/application.yaml is not picked up
  # shellcheck disable=SC2086
  start_bg bare "$BENCH/bare" "${SERVER_CPU[@]}" java $JVM_FLAGS -jar target/bench-bare.jar \
    --server.port="$PORT_BARE" --server.address=127.0.0.1
  BARE_PID=$LAST_PID
  wait_until bare "$BARE_PID" 240 curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$PORT_BARE/webhooks/contentstack"
}

start_peer() {
  port_free "$PORT_PEER" || { log "port $PORT_PEER is taken"; return 1; }
  start_bg peer "$BENCH/peer" env PORT="$PORT_PEER" "${SERVER_CPU[@]}" node start.js
  PEER_PID=$LAST_PID
  wait_until peer "$PEER_PID" 60 curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"module":"entry","event":"publish","data":{"entry":{},"content_type":{"uid":"x"}}}' "http://127.0.0.1:$PORT_PEER/notify"
}

# router_case NAME "SIMULATOR ARGS" BODY [ROUTER ARGS...]: for each version in VERSIONS, a fresh simulator and a
# fresh router (its own data dir) with these args, then BODY (a function; the router is the server under load),
# then both are stopped. Every router part of every scenario runs through here, so before and after see the same.
router_case() {
  local name=$1 sim_args=$2 body=$3 v
  shift 3
  for v in $VERSIONS; do
    use_version "$v"
    note "$v: $name, router jar $ROUTER_JAR (working directory $ROUTER_TREE)"
    # shellcheck disable=SC2086 # the simulator's args are words
    start_sim $sim_args
    start_router "$name" "$@"
    aim router "$ROUTER_PID" "$ROUTER" /webhooks/contentstack
    "$body"
    stop_pid "$ROUTER_PID"
    stop_pid "$SIM_PID"
  done
  no_version
}

# ------------------------------------------------------------------------------------------- measuring helpers
aim() { T_NAME=$1 T_PID=$2 T_HOST=$3 T_PATH=$4; } # the server under load: name in labels, PID, host:port, path

CPU_T0=0 CPU_P0=0 CPU_B0=0 CPU_I0=0
cpu_begin() { # PID
  CPU_T0=$(date +%s.%N)
  CPU_P0=$(awk '{print $14+$15}' "/proc/$1/stat")
  read -r CPU_B0 CPU_I0 < <(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
}
cpu_end() { # PID LABEL: server CPU (cores) and the whole machine's busy cores over the run
  local t1 p1 b1 i1 hz
  t1=$(date +%s.%N)
  p1=$(awk '{print $14+$15}' "/proc/$1/stat")
  read -r b1 i1 < <(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  hz=$(getconf CLK_TCK)
  [ -s "$RAW/cpu.tsv" ] || printf 'label\tserver_cores\tmachine_busy_cores\twall_s\tversion\n' >"$RAW/cpu.tsv"
  awk -v l="$2" -v t0="$CPU_T0" -v t1="$t1" -v p0="$CPU_P0" -v p1="$p1" -v b0="$CPU_B0" -v b1="$b1" \
    -v i0="$CPU_I0" -v i1="$i1" -v hz="$hz" -v n="$(nproc)" -v v="${VER:--}" 'BEGIN {
      w = t1 - t0; busy = (b1 - b0) > 0 ? (1 - (i1 - i0) / (b1 - b0)) * n : 0
      printf "%s\t%.2f\t%.2f\t%.1f\t%s\n", l, (p1 - p0) / hz / w, busy, w, v }' >>"$RAW/cpu.tsv"
}

drain() { # LABEL [MAX_S]: waits for the router's unsettled executions (at most MAX_S, default DRAIN_MAX_S); records it
  bench_tool drain --router "$ROUTER" --admin-token "$ADMIN" --max-s "${2:-$DRAIN_MAX_S}" --label "$1" \
    --tsv "$RAW/drain.tsv" >&2 || log "WARNING: drain $1 failed; the run goes on"
}
drain_router() { if [ "$T_NAME" = router ]; then drain "$@"; fi; } # after a run against the server under load

fixed_rate() { # KIND RATE [LABEL_SUFFIX]: open loop against the server under load
  local kind=$1 rate=$2 label="$T_NAME/$1/$2${3:-}" file
  file=$(bodies "$kind" $((rate * INGEST_DURATION)) "$TAG$T_NAME-$kind-$rate${3:-}")
  log "ingest ${VER:+$VER }$label: open loop at $rate req/s for ${INGEST_DURATION}s"
  cpu_begin "$T_PID"
  bench_tool load --target "$T_HOST" --path "$T_PATH" --bodies "$file" --rate "$rate" --duration "$INGEST_DURATION" \
    --grace "$INGEST_GRACE" --workers "$LOAD_WORKERS" --label "$label" --tsv "$RAW/ingest.tsv" \
    --raw "$RAW/ingest-$TAG$T_NAME-$kind-$rate${3:-}" >&2 || true
  cpu_end "$T_PID" "$label"
  rm -f "$file"
  drain_router "$label"
}

saturate() { # KIND SECONDS [LABEL_SUFFIX] [no-record]: wrk (closed loop) against the server under load
  local kind=$1 seconds=$2 suffix=${3:-} label="$T_NAME/$1/saturation${3:-}" out file
  out="$RAW/wrk-$TAG$T_NAME-$kind$suffix.out"
  file=$(bodies "$kind" "$SAT_BODIES" "$TAG$T_NAME-sat-$kind$suffix")
  log "ingest ${VER:+$VER }$label: wrk, $SAT_CONNECTIONS connections, ${seconds}s"
  [ "${4:-}" = no-record ] || cpu_begin "$T_PID"
  run "${GEN_CPU[@]}" wrk -t "$WRK_THREADS" -c "$SAT_CONNECTIONS" -d "${seconds}s" --timeout 10s \
    -s "$BENCH/tools/ingest.lua" "http://$T_HOST" -- "$file" "$WRK_THREADS" "$T_PATH" >"$out" 2>&1 || true
  rm -f "$file"
  if [ "${4:-}" != no-record ]; then
    cpu_end "$T_PID" "$label"
    bench_tool wrk-row --wrk-out "$out" --label "$label" --connections "$SAT_CONNECTIONS" --bodies "$SAT_BODIES" \
      --tsv "$RAW/ingest.tsv" >&2 || log "WARNING: no wrk result for $label (see $out)"
  fi
}

warmup() { # saturates the server under load for WARMUP_S, not recorded
  log "warming up ${VER:+$VER }$T_NAME for ${WARMUP_S}s (not recorded)"
  saturate full "$WARMUP_S" -warmup no-record
}

# ------------------------------------------------------------------------------------------- scenarios
ingest_runs() { # the ingest runs against the server under load: warm-up, fixed rates, saturation, concise bodies
  warmup
  drain_router "$T_NAME/warmup"
  for rate in $INGEST_RATES; do
    fixed_rate full "$rate"
  done
  saturate full "$SAT_DURATION"
  drain_router "$T_NAME/full/saturation"
  if [ "$T_NAME" = router ] && [ "$PROFILE" = 1 ] && [ "$VER" = after ]; then profile_saturation; fi
  for rate in $CONCISE_RATES; do
    fixed_rate concise "$rate"
  done
  saturate concise "$SAT_DURATION"
  if [ "$T_NAME" = router ]; then drain router/concise/saturation 5; fi # stopped next: counted only
}

profile_saturation() { # [NAME]: JFR of the router during another saturation run (not in the tables)
  local name=${1:-ingest}
  local jfr="$WORK/router-$name.jfr"
  note "profiling run (not in the tables): JFR of the router during another saturation run ($name)"
  run jcmd "$T_PID" JFR.start name=bench settings=profile filename="$jfr" >/dev/null
  saturate full "$SAT_DURATION" -profiled no-record
  run jcmd "$T_PID" JFR.stop name=bench >/dev/null
  drain router/full/saturation-profiled
  bench_tool jfr-hot --jfr "$jfr" --out "$RAW/jfr-$name.md" --top 15 >/dev/null || log "WARNING: no JFR summary"
}

process_crash_runs() { # the current router with --router.durability=process-crash (not its default), full bodies:
  # the same warm-up and fixed rates as the default router before its saturation run, so both are as warm
  warmup
  drain router/warmup-process-crash
  for rate in $INGEST_RATES; do
    fixed_rate full "$rate" -process-crash
  done
  saturate full "$SAT_DURATION" -process-crash
  drain router/full/saturation-process-crash
}

scenario_ingest() {
  note "--- ingest"
  for target in $INGEST_TARGETS; do
    case "$target" in
      bare)
        start_bare
        aim bare "$BARE_PID" "127.0.0.1:$PORT_BARE" /webhooks/contentstack
        ingest_runs
        stop_pid "$BARE_PID" ;;
      peer)
        start_peer
        aim peer "$PEER_PID" "127.0.0.1:$PORT_PEER" /notify
        ingest_runs
        stop_pid "$PEER_PID" ;;
      router) # CDA ceiling raised so that concise events' fetches after the ack do not queue behind 80 req/s
        router_case router "$SIM_OPEN" ingest_runs --contentstack.cda-rate=1000 ;;
      process-crash) # a setting of the new version only: no baseline run (the report says n/a)
        VERSIONS=after router_case router-process-crash "$SIM_OPEN" process_crash_runs --contentstack.cda-rate=1000 \
          --router.durability=process-crash ;;
      *) log "unknown INGEST_TARGETS entry: $target"; exit 2 ;;
    esac
  done
}

backlog_runs() { # warm-up, its backlog drained, then BACKLOG_RATE req/s for BACKLOG_DURATION s and what is left
  local label="backlog/full/$BACKLOG_RATE" file
  warmup
  drain backlog/warmup "$SETTLE_MAX_S"
  file=$(bodies full $((BACKLOG_RATE * BACKLOG_DURATION)) "${TAG}backlog")
  log "backlog${VER:+ $VER}: $BACKLOG_RATE req/s for ${BACKLOG_DURATION}s, then the drain (at most ${BACKLOG_DRAIN_MAX_S}s)"
  bench_tool backlog --target "$ROUTER" --bodies "$file" --rate "$BACKLOG_RATE" --duration "$BACKLOG_DURATION" \
    --grace "$INGEST_GRACE" --workers "$LOAD_WORKERS" --label "$label" --tsv "$RAW/backlog-load.tsv" \
    --raw "$RAW/${TAG}backlog-load" --admin-token "$ADMIN" --max-s "$BACKLOG_DRAIN_MAX_S" \
    --result-tsv "$RAW/backlog.tsv" >&2 || log "WARNING: backlog $label failed; the run goes on"
  rm -f "$file"
}

scenario_backlog() {
  note "--- backlog: $BACKLOG_RATE req/s of distinct full-body publishes for ${BACKLOG_DURATION}s (open loop): unsettled executions when the load stops, then the drain"
  router_case backlog "$SIM_OPEN" backlog_runs
}

# fan-out: FO_CDA/FO_CMA are the router's CDA/CMA ceilings and FO_CONC its fan-out concurrency (for the lower bound)
fanout_run() { # LABEL ITEMS [extra Bench fanout args]
  local label=$1 items=$2
  shift 2
  log "fan-out ${VER:+$VER }$label: $items items"
  cpu_begin "$ROUTER_PID"
  bench_tool fanout --router "$ROUTER" --sim "$SIM" --admin-token "$ADMIN" --secret "$SECRET" --items "$items" \
    --label "$label" --router-cda-rate "$FO_CDA" --router-cma-rate "$FO_CMA" --concurrency "$FO_CONC" "$@" >&2 ||
    log "WARNING: fan-out $label failed; the run goes on"
  cpu_end "$ROUTER_PID" "$label"
}

fanout_jobs() { # a small job first, not recorded (the measured jobs run on a warm JVM), then FO_ITEMS
  fanout_run warmup 200 >/dev/null
  for n in $FO_ITEMS; do
    fanout_run "$FO_NAME/$n" "$n" --tsv "$RAW/fanout.tsv"
  done
}

fanout_case() { # NAME "SIMULATOR ARGS" ROUTER_CDA ROUTER_CMA CONCURRENCY "ITEM COUNTS"
  FO_NAME=$1 FO_CDA=$3 FO_CMA=$4 FO_CONC=$5 FO_ITEMS=$6
  router_case "fanout-$1" "$2" fanout_jobs --contentstack.cda-rate="$3" --contentstack.cma-rate="$4" \
    --router.fanout.concurrency="$5"
}

scenario_fanout() {
  local sim="--latency-ms $FANOUT_LATENCY_MS"
  note "--- fan-out: Contentstack's limits (CDA 100/s, CMA 10/s at the simulator; router 80/s and 10/s, its defaults)"
  fanout_case contentstack-limits "$sim --cda-rate 100 --cma-rate 10" 80 10 8 "$FANOUT_ITEMS"
  note "--- fan-out: limits raised tenfold (simulator CDA 1000/s, CMA 100/s; router ceilings the same): latency-bound"
  fanout_case raised-limits "$sim --cda-rate 1000 --cma-rate 100" 1000 100 8 "$RAISED_ITEMS"
  note "--- fan-out: the stack's CDA limit below the router's ceiling (simulator 40/s, router 80/s): 429s must be absorbed"
  fanout_case limit-below-ceiling "$sim --cda-rate 40 --cma-rate 10" 80 10 8 "$OVER_ITEMS"
  note "--- fan-out: limits that do not bind (CDA $HIGH_CDA_RATE/s, CMA $HIGH_CMA_RATE/s at both), ${HIGH_LATENCY_MS} ms, concurrency $HIGH_CONCURRENCY"
  fanout_case high-limits "--latency-ms $HIGH_LATENCY_MS --cda-rate $HIGH_CDA_RATE --cma-rate $HIGH_CMA_RATE" \
    "$HIGH_CDA_RATE" "$HIGH_CMA_RATE" "$HIGH_CONCURRENCY" "$HIGH_ITEMS"
}

memory_job() {
  sleep 5 # settle after start: the idle point
  fanout_run "memory/$MEMORY_ITEMS" "$MEMORY_ITEMS" --tsv "$RAW/memory-fanout.tsv" --mem-pid "$ROUTER_PID" \
    --sample-at "$MEMORY_SAMPLES" --mem-tsv "$RAW/memory.tsv" --histo-prefix "$RAW/histo-${TAG}memory" \
    --poll-ms 250 --timeout-s 3600
}

scenario_memory() {
  note "--- memory: ${MEMORY_ITEMS}-item job, simulator latency ${MEMORY_LATENCY_MS} ms and no rate limit, router ceilings lifted"
  FO_CDA=5000 FO_CMA=5000 FO_CONC=8
  router_case memory "--latency-ms $MEMORY_LATENCY_MS --cda-rate 0 --cma-rate 0" memory_job \
    --contentstack.cda-rate=5000 --contentstack.cma-rate=5000 --router.fanout.concurrency=8
}

lag_runs() {
  local seconds=$(((LAG_PROBES * LAG_INTERVAL_MS) / 1000 + 10)) file label="router/full/$LAG_BG_RPS-background"
  warmup
  drain lag/warmup "$SETTLE_MAX_S" # fully: the probes must not queue behind the warm-up's backlog
  file=$(bodies full $((LAG_BG_RPS * seconds)) "${TAG}lag-background")
  log "lag${VER:+ $VER}: background $LAG_BG_RPS req/s for ${seconds}s, $LAG_PROBES probes"
  cpu_begin "$ROUTER_PID"
  bench_tool_bg load --target "$ROUTER" --bodies "$file" --rate "$LAG_BG_RPS" --duration "$seconds" --grace 10 \
    --workers "$LOAD_WORKERS" --label "$label" --tsv "$RAW/lag-background.tsv"
  sleep 3
  bench_tool lag --router "$ROUTER" --secret "$SECRET" --admin-token "$ADMIN" --probes "$LAG_PROBES" \
    --interval-ms "$LAG_INTERVAL_MS" --background-rps "$LAG_BG_RPS" --label lag --tsv "$RAW/lag.tsv" \
    --raw "$RAW/${TAG}lag-probes.tsv" >&2 || log "WARNING: the lag probes failed; the run goes on"
  wait "$BG_PID" || true
  forget_pid "$BG_PID"
  cpu_end "$ROUTER_PID" "$label"
  rm -f "$file"
}

scenario_lag() {
  note "--- end-to-end lag: ${LAG_PROBES} probes under ${LAG_BG_RPS} req/s of background publishes"
  router_case lag "$SIM_OPEN" lag_runs
}

# cluster: the current jar on embedded H2 (one instance) and on PostgreSQL with one and with two instances, in this
# one invocation: ingest at saturation (one wrk per instance, at once) and a bulk job's fan-out (sent to the first
# instance; the second helps with its pages), then CLUSTER.md with the ratios to H2 and JFR summaries of where the
# time goes (one instance on each database, at saturation).
pg_settings() { # SCHEMA: sets PG_ARGS, the router's settings for PG_URL in a schema of its own (the password goes in
  # the environment, so that it is in no command line or log)
  local sep='?'
  case "$PG_URL" in *\?*) sep='&' ;; esac
  PG_ARGS=(--spring.datasource.url="$PG_URL${sep}currentSchema=$1" --spring.datasource.username="$PG_USER"
    --spring.flyway.create-schemas=true)
}

live_instances() { # PORT: how many live instances that router sees
  curl -sf -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$1/admin/cluster" | grep -o '"live":true' | wc -l
}
both_live() { [ "$(live_instances "$PORT_ROUTER")" = 2 ] && [ "$(live_instances "$PORT_ROUTER_B")" = 2 ]; }

cluster_case() { # NAME STORE(h2|pg) INSTANCES "SIMULATOR ARGS" BODY [ROUTER ARGS...]
  local name=$1 store=$2 n=$3 sim_args=$4 body=$5
  shift 5
  local args=("$@")
  use_version after
  if [ "$store" = pg ]; then
    pg_settings "bench_${name//-/_}_$(date +%s)"
    args+=("${PG_ARGS[@]}")
  fi
  note "cluster: $name ($store, $n instance(s))"
  # shellcheck disable=SC2086 # the simulator's args are words
  start_sim $sim_args
  if [ "$store" = pg ]; then export SPRING_DATASOURCE_PASSWORD="$PG_PASSWORD"; fi
  start_router "$name" --router.instance-id="$name-a" "${args[@]}"
  HOSTS=("$ROUTER")
  ROUTER_B_PID=""
  if [ "$n" = 2 ]; then
    start_router_on "$PORT_ROUTER_B" "$name-b" --router.instance-id="$name-b" "${args[@]}"
    ROUTER_B_PID=$LAST_ROUTER_PID
    HOSTS+=("127.0.0.1:$PORT_ROUTER_B")
    # each takes its share of the rate ceilings once it sees the other
    wait_until "$name-b" "$ROUTER_B_PID" 30 both_live
  fi
  unset SPRING_DATASOURCE_PASSWORD
  CASE=$name
  aim router "$ROUTER_PID" "$ROUTER" /webhooks/contentstack
  "$body"
  if [ -n "$ROUTER_B_PID" ]; then stop_pid "$ROUTER_B_PID"; fi
  stop_pid "$ROUTER_PID"
  stop_pid "$SIM_PID"
  no_version
}

cluster_wrk() { # SECONDS PHASE: wrk against every instance at once, the connections split between them
  local seconds=$1 phase=$2 conns=$((SAT_CONNECTIONS / ${#HOSTS[@]})) i files=() wrk_pids=()
  for i in "${!HOSTS[@]}"; do # every body file first, so that the wrk runs start together
    files+=("$(bodies full "$SAT_BODIES" "$CASE-$phase-$i")")
  done
  log "cluster $CASE: $phase, wrk against ${#HOSTS[@]} instance(s), $conns connections each, ${seconds}s"
  for i in "${!HOSTS[@]}"; do
    record wrk -t "$WRK_THREADS" -c "$conns" -d "${seconds}s" "http://${HOSTS[$i]}"
    "${GEN_CPU[@]}" wrk -t "$WRK_THREADS" -c "$conns" -d "${seconds}s" --timeout 10s -s "$BENCH/tools/ingest.lua" \
      "http://${HOSTS[$i]}" -- "${files[$i]}" "$WRK_THREADS" /webhooks/contentstack >"$RAW/wrk-$CASE-$phase-$i.out" 2>&1 &
    wrk_pids+=($!)
    PIDS+=($!)
  done
  wait "${wrk_pids[@]}" || true
  rm -f "$WORK"/bodies/"$CASE-$phase"-*.txt
  drain "$CASE/$phase" "$SETTLE_MAX_S" # the executions of every instance: they share the database
}

cluster_ingest() {
  local i
  cluster_wrk "$WARMUP_S" warmup
  cluster_wrk "$SAT_DURATION" saturation
  for i in "${!HOSTS[@]}"; do
    bench_tool wrk-row --wrk-out "$RAW/wrk-$CASE-saturation-$i.out" --label "$CASE/$i" \
      --connections "$((SAT_CONNECTIONS / ${#HOSTS[@]}))" --bodies "$SAT_BODIES" --tsv "$RAW/cluster-ingest.tsv" >&2 ||
      log "WARNING: no wrk result for $CASE/$i"
  done
  if [ -z "$ROUTER_B_PID" ]; then profile_saturation "$CASE"; fi
}

cluster_fanout() { # a bulk job sent to the first instance, on a warm JVM; the second helps with its pages
  FO_CDA=$CLUSTER_CDA_RATE FO_CMA=100 FO_CONC=8
  fanout_run "$CASE/warmup" 500 >/dev/null
  fanout_run "$CASE" "$CLUSTER_ITEMS" --tsv "$RAW/cluster-fanout.tsv"
}

cluster_report() { # CLUSTER.md: per case, ingest and fan-out, and their ratios to the first case (H2)
  awk -F'\t' '
    FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
    FILENAME ~ /ingest/ { split($col[FILENAME, "label"], l, "/"); c = l[1]
      rps[c] += $col[FILENAME, "throughput_rps"]; p99 = $col[FILENAME, "p99_ms"] + 0
      if (p99 > worst[c]) worst[c] = p99
      if (!(c in seen)) { seen[c] = 1; order[++n] = c } }
    FILENAME ~ /fanout/ { c = $col[FILENAME, "label"]; ips[c] = $col[FILENAME, "items_per_s"]; wall[c] = $col[FILENAME, "wall_s"]
      if (!(c in seen)) { seen[c] = 1; order[++n] = c } }
    END {
      print "| case | ingest at saturation (req/s, all instances) | vs " order[1] " | worst p99 (ms) | fan-out of " items " items (items/s) | wall (s) | vs " order[1] " |"
      print "|---|---|---|---|---|---|---|"
      for (k = 1; k <= n; k++) { c = order[k]
        printf "| %s | %.0f | %.2fx | %.0f | %.0f | %.1f | %.2fx |\n", c, rps[c], rps[order[1]] ? rps[c] / rps[order[1]] : 0,
          worst[c], ips[c], wall[c], ips[order[1]] ? ips[c] / ips[order[1]] : 0 }
    }' items="$CLUSTER_ITEMS" "$RAW/cluster-ingest.tsv" "$RAW/cluster-fanout.tsv" >"$RAW/cluster-table.md"
  {
    echo "# cms-webhook-router on H2 and on PostgreSQL, with one and two instances"
    echo
    echo "One invocation of \`bench/run.sh cluster\` on this machine ($(nproc) cores shared by the routers, PostgreSQL,"
    echo "the simulator and the load generators), the current jar. Ingest: full-body publishes, signed, durable before"
    echo "the ack, wrk for ${SAT_DURATION} s after a ${WARMUP_S} s warm-up, $SAT_CONNECTIONS connections split between"
    echo "the instances. Fan-out: a bulk job of $CLUSTER_ITEMS items sent to the first instance, CDA at ${FANOUT_LATENCY_MS} ms"
    echo "with limits that do not bind (cluster \`cda-rate\` $CLUSTER_CDA_RATE), \`router.fanout.concurrency\` 8 per instance."
    echo
    cat "$RAW/cluster-table.md"
    echo
    for f in "$RAW"/jfr-*.md; do
      [ -f "$f" ] || continue
      echo "## Where the time goes: $(basename "$f" .md | sed 's/^jfr-//') at saturation (JFR)"
      echo
      cat "$f"
      echo
    done
  } >"$RAW/CLUSTER.md"
}

scenario_cluster() {
  local sim="--latency-ms $FANOUT_LATENCY_MS --cda-rate 0 --cma-rate 0" fanout_args
  fanout_args=(--contentstack.cda-rate="$CLUSTER_CDA_RATE" --contentstack.cma-rate=100 --router.fanout.concurrency=8)
  note "--- cluster: H2 with one instance, PostgreSQL ($PG_URL) with one and with two"
  cluster_case h2-1 h2 1 "$SIM_OPEN" cluster_ingest --contentstack.cda-rate=1000
  cluster_case pg-1 pg 1 "$SIM_OPEN" cluster_ingest --contentstack.cda-rate=1000
  cluster_case pg-2 pg 2 "$SIM_OPEN" cluster_ingest --contentstack.cda-rate=1000
  cluster_case h2-1 h2 1 "$sim" cluster_fanout "${fanout_args[@]}"
  cluster_case pg-1 pg 1 "$sim" cluster_fanout "${fanout_args[@]}"
  cluster_case pg-2 pg 2 "$sim" cluster_fanout "${fanout_args[@]}"
  cluster_report
}

scenario_smoke() { # the current jar only, whatever BASELINE_REF says; CI runs this
  use_version after
  # shellcheck disable=SC2086
  start_sim $SIM_OPEN
  start_router smoke
  local file
  file=$(bodies full 250 smoke)
  log "smoke: 25 req/s for 10 s against the router (signed, durable); every request must get 202"
  java -cp "$CLASSES" Bench load --target "$ROUTER" --bodies "$file" --rate 25 --duration 10 --grace 10 \
    --workers 16 --label smoke --tsv "$RAW/smoke.tsv" --assert
}

# ------------------------------------------------------------------------------------------- main
install_tools
if [ -n "$BASELINE_REF" ] && [ "$SCENARIO" != smoke ]; then build_baseline; fi
build

for port in "$PORT_ROUTER" "$PORT_ROUTER_B" "$PORT_BARE" "$PORT_PEER" "$PORT_SIM"; do
  port_free "$port" || { log "port $port is in use: set PORT_ROUTER/PORT_BARE/PORT_PEER/PORT_SIM"; exit 1; }
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "scenario=$SCENARIO"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host_cores=$(nproc)"
  echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory=$(free -g | awk '/^Mem:/{print $2 " GiB"}')"
  echo "kernel=$(uname -sr)"
  echo "jdk=$(java -version 2>&1 | sed -n 2p)"
  echo "node=$(node --version 2>/dev/null || echo none)"
  echo "wrk=$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2 || echo none)"
  echo "git_commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "after=current jar ${JAR[after]#"$ROOT"/}, built $(date -u -r "${JAR[after]}" +%Y-%m-%dT%H:%M:%SZ), run from $(tree_name "$CURRENT_TREE")$(
    [ "$STALE" = 0 ] || echo "; WARNING: $STALE source/config/route files were newer than this jar")"
  if [ -n "${JAR[before]:-}" ]; then
    echo "before=baseline $BASELINE_DESC; jar ${JAR[before]#"$ROOT"/} (git archive export, mvn -B -q -DskipTests package)"
  fi
  echo "jvm_flags=$JVM_FLAGS (router and bare; G1, the JDK default here)"
  if [ "$PIN" = 1 ]; then echo "pinning=servers on CPU 1, load generators on CPU 0 (taskset)"; else
    echo "pinning=none: servers, load generators and the simulator share both cores"; fi
  echo "load_before=$LOAD_BEFORE (1/5/15-min load average at the start)"
  echo "settings=rates [$INGEST_RATES] x ${INGEST_DURATION}s (+${INGEST_GRACE}s grace), saturation ${SAT_DURATION}s x $SAT_CONNECTIONS conns, $LOAD_WORKERS open-loop workers, warm-up ${WARMUP_S}s; backlog $BACKLOG_RATE req/s x ${BACKLOG_DURATION}s; fan-out high-limits $HIGH_ITEMS items, ${HIGH_LATENCY_MS} ms, concurrency $HIGH_CONCURRENCY; memory $MEMORY_ITEMS items, points at $MEMORY_SAMPLES; lag $LAG_PROBES probes at ${LAG_BG_RPS} req/s background"
} >"$RAW/meta.env"
note "bench/run.sh $SCENARIO (BASELINE_REF=$BASELINE_REF PROFILE=$PROFILE PIN=$PIN); commands as run, temp paths under $WORK"

case "$SCENARIO" in
  smoke) scenario_smoke; exit 0 ;;
  cluster) scenario_cluster ;;
  ingest) scenario_ingest ;;
  backlog) scenario_backlog ;;
  fanout) scenario_fanout ;;
  memory) scenario_memory ;;
  lag) scenario_lag ;;
  all) scenario_ingest; scenario_backlog; scenario_fanout; scenario_memory; scenario_lag ;;
esac

{
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at the end)"
  echo "duration=$(( ($(date +%s) - STARTED_AT) / 60 )) min $(( ($(date +%s) - STARTED_AT) % 60 )) s"
  echo "jfr_command=jcmd <pid> JFR.start name=bench settings=profile; wrk as above; jcmd <pid> JFR.stop"
} >>"$RAW/meta.env"

if [ "$SCENARIO" = all ]; then OUT="$BENCH/results"; else OUT="$BENCH/results/last-$SCENARIO"; fi
mkdir -p "$OUT"
rm -rf "$OUT/raw"
cp -r "$RAW" "$OUT/raw"
if [ "$SCENARIO" = cluster ]; then
  cp "$OUT/raw/CLUSTER.md" "$OUT/REPORT.md"
else
  java -cp "$CLASSES" Bench report --raw "$OUT/raw" --out "$OUT/REPORT.md" >&2
fi
log "report: $OUT/REPORT.md"
