#!/usr/bin/env bash
# Benchmarks of cms-webhook-router on this machine, everything on loopback. See bench/README.md.
#
#   bench/run.sh [smoke|ingest|fanout|memory|lag|all]        (default: all)
#
# Builds what it needs (the router jar if target/*.jar is missing, bench/bare, the JDK-only tools in bench/tools),
# installs its load tool (wrk, from Debian's packages) and the npm peer (bench/peer) when missing, starts the
# simulator, the router, the bare baseline and the peer on 127.0.0.1, measures, stops everything it started (and
# only that), and writes bench/results/REPORT.md with its raw numbers in bench/results/raw/ (`all`), or
# bench/results/last-<scenario>/ for a single scenario. `smoke` writes nothing there: ~10 s of ingest at a low
# rate against the router; it exits non-zero unless every request got 202.
#
# Settings (environment): PROFILE=1 records JFR of the router at ingest saturation and summarises it; PIN=1 pins
# the servers to CPU 1 and the load generators to CPU 0 (taskset); JVM_FLAGS (default -Xmx512m, router and bare);
# the durations, rates and sizes below.
set -euo pipefail

SCENARIO="${1:-all}"
case "$SCENARIO" in
  smoke | ingest | fanout | memory | lag | all) ;;
  *) echo "usage: bench/run.sh [smoke|ingest|fanout|memory|lag|all]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT" # the router reads config/ and routes/ from its working directory

: "${JVM_FLAGS:=-Xmx512m}"
: "${PORT_ROUTER:=39180}" "${PORT_BARE:=39181}" "${PORT_PEER:=39182}" "${PORT_SIM:=39190}"
: "${INGEST_TARGETS:=bare peer router}"
: "${INGEST_RATES:=200 500 1000}"   # fixed offered rates (open loop), full bodies, every target
: "${INGEST_DURATION:=15}"          # seconds per fixed-rate run
: "${INGEST_GRACE:=5}"              # seconds an overloaded server gets after that before the run is cut
: "${CONCISE_RATES:=}"             # fixed rates for concise bodies too (default: concise at saturation only)
: "${LOAD_WORKERS:=128}"            # open-loop generator: requests in flight at most (one connection each)
: "${WARMUP_S:=20}"                 # closed-loop warm-up of each server (not recorded)
: "${SAT_DURATION:=15}" "${SAT_CONNECTIONS:=32}" "${WRK_THREADS:=2}"
: "${SAT_BODIES:=20000}"            # distinct bodies per saturation run (the router must not see one twice)
: "${DRAIN_MAX_S:=60}"              # after a router run: wait at most this long for its backlog to be applied
: "${FANOUT_ITEMS:=1000 10000}" "${FANOUT_LATENCY_MS:=20}" "${RAISED_ITEMS:=1000}" "${OVER_ITEMS:=500}"
: "${MEMORY_ITEMS:=100000}" "${MEMORY_LATENCY_MS:=5}" "${MEMORY_SAMPLES:=10000,50000,100000}"
: "${LAG_PROBES:=200}" "${LAG_INTERVAL_MS:=150}" "${LAG_BG_RPS:=200}"
: "${PROFILE:=0}" "${PIN:=0}" "${KEEP_WORK:=0}"

SECRET="bench-hmac-secret-not-a-real-one"
ADMIN="bench-admin-token-not-a-real-one"
ROUTER="127.0.0.1:$PORT_ROUTER"
SIM="127.0.0.1:$PORT_SIM"

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
  local keep=()
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
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
  if ! command -v wrk >/dev/null 2>&1 && [ "$SCENARIO" != smoke ]; then
    log "installing wrk from Debian's packages"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    fi
  fi
  if [ ! -d "$BENCH/peer/node_modules/@contentstack/webhook-listener" ] && [[ "$SCENARIO" =~ ^(ingest|all)$ ]]; then
    log "installing the npm peer (@contentstack/webhook-listener) into bench/peer"
    (cd "$BENCH/peer" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

build() {
  local jars=("$ROOT"/target/cms-webhook-router-*.jar)
  if [ ! -f "${jars[0]}" ]; then
    log "building the router: mvn -B -q -DskipTests package"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
    jars=("$ROOT"/target/cms-webhook-router-*.jar)
  fi
  ROUTER_JAR="${jars[0]}"
  if [[ "$SCENARIO" =~ ^(ingest|all)$ ]] && [ ! -f "$BENCH/bare/target/bench-bare.jar" ]; then
    log "building the bare baseline: bench/bare"
    (cd "$BENCH/bare" && mvn -B -q -DskipTests package)
  fi
  mkdir -p "$CLASSES"
  javac -d "$CLASSES" "$BENCH/tools/Bench.java" "$BENCH/tools/Simulator.java"
}

bench_tool() { run "${GEN_CPU[@]}" java -Xms1g -Xmx1g -cp "$CLASSES" Bench "$@"; }

bodies() { # KIND COUNT NAME -> prints the file
  local file="$WORK/bodies/$3.txt"
  java -cp "$CLASSES" Bench bodies --kind "$1" --count "$2" --secret "$SECRET" --prefix "$3" --out "$file" >&2
  echo "$file"
}

# ------------------------------------------------------------------------------------------- servers
start_sim() { # extra simulator args
  port_free "$PORT_SIM" || { log "port $PORT_SIM is taken"; return 1; }
  start_bg sim "$ROOT" "${SERVER_CPU[@]}" java -Xmx256m -cp "$CLASSES" Simulator --port "$PORT_SIM" "$@"
  SIM_PID=$LAST_PID
  wait_until sim "$SIM_PID" 30 curl -sf "http://$SIM/__stats"
}

start_router() { # NAME extra router args
  local name=$1
  shift
  port_free "$PORT_ROUTER" || { log "port $PORT_ROUTER is taken"; return 1; }
  local data="$WORK/data/$name"
  rm -rf "$data"
  # shellcheck disable=SC2086
  start_bg "$name" "$ROOT" "${SERVER_CPU[@]}" java $JVM_FLAGS -jar "$ROUTER_JAR" \
    --server.port="$PORT_ROUTER" --server.address=127.0.0.1 --router.data-dir="$data" \
    --router.admin-token="$ADMIN" --router.security.signature=required "--router.security.hmac-secrets[0]=$SECRET" \
    --contentstack.api-key=bench_api_key --contentstack.delivery-token=bench_delivery_token \
    --contentstack.management-token=bench_management_token \
    --contentstack.cda-url="http://$SIM" --contentstack.cma-url="http://$SIM" \
    --contentstack.public-keys-url="http://$SIM/.well-known/public-keys.json" \
    --router.shutdown.grace-period=5 "$@"
  ROUTER_PID=$LAST_PID
  wait_until "$name" "$ROUTER_PID" 240 router_ready
  log "router up (pid $ROUTER_PID): $*"
}
router_ready() { curl -sf "http://$ROUTER/actuator/health/readiness" | grep -q '"status":"UP"'; }

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

# ------------------------------------------------------------------------------------------- measuring helpers
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
  [ -s "$RAW/cpu.tsv" ] || printf 'label\tserver_cores\tmachine_busy_cores\twall_s\n' >"$RAW/cpu.tsv"
  awk -v l="$2" -v t0="$CPU_T0" -v t1="$t1" -v p0="$CPU_P0" -v p1="$p1" -v b0="$CPU_B0" -v b1="$b1" \
    -v i0="$CPU_I0" -v i1="$i1" -v hz="$hz" -v n="$(nproc)" 'BEGIN {
      w = t1 - t0; busy = (b1 - b0) > 0 ? (1 - (i1 - i0) / (b1 - b0)) * n : 0
      printf "%s\t%.2f\t%.2f\t%.1f\n", l, (p1 - p0) / hz / w, busy, w }' >>"$RAW/cpu.tsv"
}

drain() { # LABEL: waits for the router's backlog (capped) and records it
  bench_tool drain --router "$ROUTER" --admin-token "$ADMIN" --max-s "$DRAIN_MAX_S" --label "$1" --tsv "$RAW/drain.tsv" >&2
}

fixed_rate() { # TARGET PID HOSTPORT PATH KIND RATE
  local target=$1 pid=$2 hostport=$3 path=$4 kind=$5 rate=$6
  local label="$target/$kind/$rate" file
  file=$(bodies "$kind" $((rate * INGEST_DURATION)) "$target-$kind-$rate")
  log "ingest $label: open loop at $rate req/s for ${INGEST_DURATION}s"
  cpu_begin "$pid"
  bench_tool load --target "$hostport" --path "$path" --bodies "$file" --rate "$rate" --duration "$INGEST_DURATION" \
    --grace "$INGEST_GRACE" --workers "$LOAD_WORKERS" --label "$label" --tsv "$RAW/ingest.tsv" \
    --raw "$RAW/ingest-${target}-${kind}-${rate}" >&2 || true
  cpu_end "$pid" "$label"
  rm -f "$file"
  if [ "$target" = router ]; then drain "$label"; fi
}

saturate() { # TARGET PID HOSTPORT PATH KIND BODIES_FILE [LABEL_SUFFIX] [no-record]
  local target=$1 pid=$2 hostport=$3 path=$4 kind=$5 file=$6 label="$1/$5/saturation${7:-}" out
  out="$RAW/wrk-$target-$kind${7:-}.out"
  log "ingest $label: wrk, $SAT_CONNECTIONS connections, ${SAT_DURATION}s"
  [ "${8:-}" = no-record ] || cpu_begin "$pid"
  run "${GEN_CPU[@]}" wrk -t "$WRK_THREADS" -c "$SAT_CONNECTIONS" -d "${SAT_DURATION}s" --timeout 10s \
    -s "$BENCH/tools/ingest.lua" "http://$hostport" -- "$file" "$WRK_THREADS" "$path" >"$out" 2>&1 || true
  if [ "${8:-}" != no-record ]; then
    cpu_end "$pid" "$label"
    bench_tool wrk-row --wrk-out "$out" --label "$label" --connections "$SAT_CONNECTIONS" \
      --bodies "$(wc -l <"$file")" --tsv "$RAW/ingest.tsv" >&2
  fi
}

warmup() { # TARGET PID HOSTPORT PATH
  local file
  file=$(bodies full "$SAT_BODIES" "$1-warmup")
  log "warming up $1 for ${WARMUP_S}s (not recorded)"
  SAT_DURATION_SAVED=$SAT_DURATION
  SAT_DURATION=$WARMUP_S
  saturate "$1" "$2" "$3" "$4" full "$file" -warmup no-record
  SAT_DURATION=$SAT_DURATION_SAVED
  rm -f "$file"
  if [ "$1" = router ]; then drain "${WARMUP_LABEL:-$1}/warmup"; fi
}

# ------------------------------------------------------------------------------------------- scenarios
ingest_target() { # TARGET
  local target=$1 pid hostport path file
  case "$target" in
    bare) start_bare; pid=$BARE_PID; hostport="127.0.0.1:$PORT_BARE"; path=/webhooks/contentstack ;;
    peer) start_peer; pid=$PEER_PID; hostport="127.0.0.1:$PORT_PEER"; path=/notify ;;
    router)
      # CDA ceiling raised so that concise events' fetches after the ack do not queue behind 80 req/s
      start_router router --contentstack.cda-rate=1000
      pid=$ROUTER_PID; hostport=$ROUTER; path=/webhooks/contentstack ;;
  esac
  warmup "$target" "$pid" "$hostport" "$path"
  for rate in $INGEST_RATES; do
    fixed_rate "$target" "$pid" "$hostport" "$path" full "$rate"
  done
  file=$(bodies full "$SAT_BODIES" "$target-sat-full")
  saturate "$target" "$pid" "$hostport" "$path" full "$file"
  rm -f "$file"
  if [ "$target" = router ]; then
    drain router/full/saturation
    if [ "$PROFILE" = 1 ]; then
      file=$(bodies full "$SAT_BODIES" "router-sat-profile")
      local jfr="$WORK/router-ingest.jfr"
      note "profiling run (not in the tables): JFR of the router during another saturation run"
      run jcmd "$pid" JFR.start name=bench settings=profile filename="$jfr" >/dev/null
      saturate router "$pid" "$hostport" "$path" full "$file" -profiled no-record
      run jcmd "$pid" JFR.stop name=bench >/dev/null
      rm -f "$file"
      drain router/full/saturation-profiled
      bench_tool jfr-hot --jfr "$jfr" --out "$RAW/jfr-ingest.md" --top 15 >/dev/null
    fi
  fi
  for rate in $CONCISE_RATES; do
    fixed_rate "$target" "$pid" "$hostport" "$path" concise "$rate"
  done
  file=$(bodies concise "$SAT_BODIES" "$target-sat-concise")
  saturate "$target" "$pid" "$hostport" "$path" concise "$file"
  rm -f "$file"
  if [ "$target" = router ]; then DRAIN_MAX_S=5 drain router/concise/saturation; fi # stopped next: counted only
  cp "$LOGS/$target.log" "$WORK/$target-ingest.log" 2>/dev/null || true
  stop_pid "$pid"
}

scenario_ingest() {
  note "--- ingest"
  start_sim --latency-ms 20 --cda-rate 0 --cma-rate 0
  for target in $INGEST_TARGETS; do
    ingest_target "$target"
  done
  stop_pid "$SIM_PID"
}

fanout_run() { # LABEL ITEMS ROUTER_CDA ROUTER_CMA CONCURRENCY [extra fanout args]
  local label=$1 items=$2 cda=$3 cma=$4 conc=$5
  shift 5
  log "fan-out $label: $items items"
  cpu_begin "$ROUTER_PID"
  bench_tool fanout --router "$ROUTER" --sim "$SIM" --admin-token "$ADMIN" --secret "$SECRET" --items "$items" \
    --label "$label" --router-cda-rate "$cda" --router-cma-rate "$cma" --concurrency "$conc" "$@" >&2
  cpu_end "$ROUTER_PID" "$label"
}

fanout_warmup() { # a small job first, not recorded: the measured jobs run on a warm JVM
  fanout_run "warmup" 200 80 10 8 >/dev/null
}

scenario_fanout() {
  note "--- fan-out: Contentstack's limits (CDA 100/s, CMA 10/s at the simulator; router defaults 80/s and 10/s)"
  start_sim --latency-ms "$FANOUT_LATENCY_MS" --cda-rate 100 --cma-rate 10
  start_router fanout-default
  fanout_warmup
  for n in $FANOUT_ITEMS; do
    fanout_run "contentstack-limits/$n" "$n" 80 10 8 --tsv "$RAW/fanout.tsv"
  done
  stop_pid "$ROUTER_PID"
  stop_pid "$SIM_PID"

  note "--- fan-out: limits raised tenfold (simulator CDA 1000/s, CMA 100/s; router ceilings the same): latency-bound"
  start_sim --latency-ms "$FANOUT_LATENCY_MS" --cda-rate 1000 --cma-rate 100
  start_router fanout-raised --contentstack.cda-rate=1000 --contentstack.cma-rate=100
  fanout_warmup
  for n in $RAISED_ITEMS; do
    fanout_run "raised-limits/$n" "$n" 1000 100 8 --tsv "$RAW/fanout.tsv"
  done
  stop_pid "$ROUTER_PID"
  stop_pid "$SIM_PID"

  note "--- fan-out: the stack's CDA limit below the router's ceiling (simulator 40/s, router 80/s): 429s must be absorbed"
  start_sim --latency-ms "$FANOUT_LATENCY_MS" --cda-rate 40 --cma-rate 10
  start_router fanout-over
  fanout_warmup
  fanout_run "limit-below-ceiling/$OVER_ITEMS" "$OVER_ITEMS" 80 10 8 --tsv "$RAW/fanout.tsv"
  stop_pid "$ROUTER_PID"
  stop_pid "$SIM_PID"
}

scenario_memory() {
  note "--- memory: ${MEMORY_ITEMS}-item job, simulator latency ${MEMORY_LATENCY_MS} ms and no rate limit, router ceilings lifted"
  start_sim --latency-ms "$MEMORY_LATENCY_MS" --cda-rate 0 --cma-rate 0
  start_router memory --contentstack.cda-rate=5000 --contentstack.cma-rate=5000
  sleep 5 # settle after start: the idle point
  fanout_run "memory/$MEMORY_ITEMS" "$MEMORY_ITEMS" 5000 5000 8 --tsv "$RAW/memory-fanout.tsv" \
    --mem-pid "$ROUTER_PID" --sample-at "$MEMORY_SAMPLES" --mem-tsv "$RAW/memory.tsv" \
    --histo-prefix "$RAW/histo-memory" --poll-ms 250
  stop_pid "$ROUTER_PID"
  stop_pid "$SIM_PID"
}

scenario_lag() {
  note "--- end-to-end lag: ${LAG_PROBES} probes under ${LAG_BG_RPS} req/s of background publishes"
  start_sim --latency-ms 20 --cda-rate 0 --cma-rate 0
  start_router lag
  WARMUP_LABEL=lag warmup router "$ROUTER_PID" "$ROUTER" /webhooks/contentstack
  local seconds=$(((LAG_PROBES * LAG_INTERVAL_MS) / 1000 + 10)) file bg
  file=$(bodies full $((LAG_BG_RPS * seconds)) lag-background)
  log "lag: background $LAG_BG_RPS req/s for ${seconds}s, $LAG_PROBES probes"
  cpu_begin "$ROUTER_PID"
  record "${GEN_CPU[@]}" java -Xms1g -Xmx1g -cp "$CLASSES" Bench load --target "$ROUTER" --bodies "$file" \
    --rate "$LAG_BG_RPS" --duration "$seconds" --grace 10 --workers "$LOAD_WORKERS" --label "router/full/$LAG_BG_RPS-background" \
    --tsv "$RAW/lag-background.tsv"
  "${GEN_CPU[@]}" java -Xms1g -Xmx1g -cp "$CLASSES" Bench load --target "$ROUTER" --bodies "$file" \
    --rate "$LAG_BG_RPS" --duration "$seconds" --grace 10 --workers "$LOAD_WORKERS" \
    --label "router/full/$LAG_BG_RPS-background" --tsv "$RAW/lag-background.tsv" >&2 &
  bg=$!
  PIDS+=("$bg")
  sleep 3
  bench_tool lag --router "$ROUTER" --secret "$SECRET" --admin-token "$ADMIN" --probes "$LAG_PROBES" \
    --interval-ms "$LAG_INTERVAL_MS" --background-rps "$LAG_BG_RPS" --label lag --tsv "$RAW/lag.tsv" \
    --raw "$RAW/lag-probes.tsv" >&2
  wait "$bg" || true
  local keep=()
  for p in "${PIDS[@]}"; do [ "$p" = "$bg" ] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
  cpu_end "$ROUTER_PID" "router/full/$LAG_BG_RPS-background"
  rm -f "$file"
  stop_pid "$ROUTER_PID"
  stop_pid "$SIM_PID"
}

scenario_smoke() {
  start_sim --latency-ms 20 --cda-rate 0 --cma-rate 0
  start_router smoke
  local file
  file=$(bodies full 250 smoke)
  log "smoke: 25 req/s for 10 s against the router (signed, durable); every request must get 202"
  java -cp "$CLASSES" Bench load --target "$ROUTER" --bodies "$file" --rate 25 --duration 10 --grace 10 \
    --workers 16 --label smoke --tsv "$RAW/smoke.tsv" --assert
}

# ------------------------------------------------------------------------------------------- main
install_tools
build

for port in "$PORT_ROUTER" "$PORT_BARE" "$PORT_PEER" "$PORT_SIM"; do
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
  echo "jvm_flags=$JVM_FLAGS (router and bare; G1, the JDK default here)"
  if [ "$PIN" = 1 ]; then echo "pinning=servers on CPU 1, load generators on CPU 0 (taskset)"; else
    echo "pinning=none: servers, load generators and the simulator share both cores"; fi
  echo "load_before=$LOAD_BEFORE (1/5/15-min load average at the start)"
  echo "settings=rates [$INGEST_RATES] x ${INGEST_DURATION}s (+${INGEST_GRACE}s grace), saturation ${SAT_DURATION}s x $SAT_CONNECTIONS conns, $LOAD_WORKERS open-loop workers, warm-up ${WARMUP_S}s"
} >"$RAW/meta.env"
note "bench/run.sh $SCENARIO (PROFILE=$PROFILE PIN=$PIN); commands as run, temp paths under $WORK"

case "$SCENARIO" in
  smoke) scenario_smoke; exit 0 ;;
  ingest) scenario_ingest ;;
  fanout) scenario_fanout ;;
  memory) scenario_memory ;;
  lag) scenario_lag ;;
  all) scenario_ingest; scenario_fanout; scenario_memory; scenario_lag ;;
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
java -cp "$CLASSES" Bench report --raw "$OUT/raw" --out "$OUT/REPORT.md" >&2
log "report: $OUT/REPORT.md"
