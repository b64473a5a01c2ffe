#!/usr/bin/env bash
# A single-node Kafka broker (KRaft, no ZooKeeper) for development and integration tests.
#
#   scripts/kafka.sh start    start it unless 127.0.0.1:9092 already answers (then do nothing)
#   scripts/kafka.sh stop     stop the broker this script started (pid file)
#   scripts/kafka.sh status   say whether the port answers and whether we started it
#   scripts/kafka.sh fetch    only fetch the jars into .cache/kafka/libs (private brokers of the fault tests)
#
# Needs Java 17+ and Maven (Maven Central). Everything lives under .cache/kafka/: the jars (fetched once,
# re-fetched when backend-setup/kafka/pom.xml changes), the data dir (formatted once), server.log and the pid.
# A hospital runs its own Kafka; this is not part of what ships.
#
# A second broker: set KAFKA_PORT, KAFKA_CONTROLLER_PORT and KAFKA_STATE_DIR (the jars are shared).
# KAFKA_JVM_OPTS replaces the JVM tuning options (not the heap).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
WAIT_SECONDS=60
# A dev/test broker on a small machine: start fast (C1 only, serial GC) rather than peak throughput.
JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

LIBS="$ROOT/.cache/kafka/libs"
BASE="${KAFKA_STATE_DIR:-$ROOT/.cache/kafka}"
DATA="$BASE/data"
CONFIG="$BASE/server.properties"
LOG_CONFIG="$BASE/log4j2.properties"
LOG="$BASE/server.log"
PID_FILE="$BASE/kafka.pid"
LOCK_FILE="$ROOT/.cache/kafka/.lock"
POM="$ROOT/backend-setup/kafka/pom.xml"

say() { printf 'kafka: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

port_answers() {
  # bash's /dev/tcp: no nc needed. The timeout bounds a SYN that is silently dropped.
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

alive() {
  # a killed broker not yet reaped by its (re)parent is a zombie: gone for our purposes
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z* ]]
}

our_pid() {
  # The pid from our pid file, only if that process is still the broker we started (pids get reused).
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $CONFIG" || return 1
  printf '%s\n' "$pid"
}

resolve_jars() {
  local stamp
  stamp="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$LIBS/.pom-sha256" && "$(cat "$LIBS/.pom-sha256")" == "$stamp" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is not installed; it is needed once to fetch the Kafka jars."
  say "fetching Kafka jars from Maven Central (once) ..."
  local tmp="$LIBS.tmp.$$"
  rm -rf "$tmp"
  if ! mvn -B -q -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$BASE/mvn.log" 2>&1; then
    rm -rf "$tmp"
    die "could not fetch the Kafka jars (see $BASE/mvn.log)."
  fi
  printf '%s\n' "$stamp" >"$tmp/.pom-sha256"
  # Swap in whole, so an interrupted download never leaves a half-filled libs dir that looks complete.
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
}

write_config() {
  cat >"$CONFIG" <<EOF
# Written by scripts/kafka.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
# one partition for the internal topics: a fresh dev broker serves its first consumer group in
# a second instead of creating 50 partitions first
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# tests start consumers constantly: no 3-s wait before the first rebalance
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=67108864
EOF
  cat >"$LOG_CONFIG" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
EOF
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  cluster_id="$(java -cp "$LIBS/*" -Dlog4j2.configurationFile="$LOG_CONFIG" kafka.tools.StorageTool random-uuid 2>>"$BASE/format.log" | tail -n 1)" ||
    die "could not generate a cluster id (see $BASE/format.log)."
  [[ -n "$cluster_id" ]] || die "could not generate a cluster id (see $BASE/format.log)."
  rm -rf "$DATA"
  java -cp "$LIBS/*" -Dlog4j2.configurationFile="$LOG_CONFIG" kafka.tools.StorageTool \
    format --cluster-id "$cluster_id" --config "$CONFIG" >>"$BASE/format.log" 2>&1 ||
    die "could not format the storage dir $DATA (see $BASE/format.log)."
}

start() {
  if port_answers "$HOST" "$PORT"; then
    say "$HOST:$PORT already answers; nothing to do."
    return 0
  fi
  command -v java >/dev/null || die "Java is not installed (Kafka needs Java 17 or newer)."
  resolve_jars
  write_config
  format_storage
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  say "starting the broker on $HOST:$PORT (log: $LOG) ..."
  # setsid: the broker outlives the shell (and test runner) that started it; stop it with 'kafka.sh stop'.
  # 9>&-: it must not inherit (and hold forever) the start/stop lock.
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  setsid nohup java -Xms256m -Xmx512m $JVM_OPTS -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG_CONFIG" -cp "$LIBS/*" kafka.Kafka "$CONFIG" >"$LOG" 2>&1 </dev/null 9>&- &
  local pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  local waited=0
  until port_answers "$HOST" "$PORT"; do
    if ! alive "$pid"; then
      tail -n 20 "$LOG" >&2 || true
      die "the broker exited during startup (full log: $LOG)."
    fi
    if ((waited >= WAIT_SECONDS)); then
      kill "$pid" 2>/dev/null || true
      tail -n 20 "$LOG" >&2 || true
      die "the broker did not answer on $HOST:$PORT within ${WAIT_SECONDS}s (full log: $LOG)."
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ready on $HOST:$PORT (pid $pid)."
}

stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if port_answers "$HOST" "$PORT"; then
      say "$HOST:$PORT answers, but not from a broker this script started; leaving it alone."
    else
      say "not running."
    fi
    return 0
  fi
  say "stopping pid $pid ..."
  kill "$pid"
  for _ in $(seq 1 150); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    say "still running after 30 s; killing it."
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  say "stopped."
}

status() {
  local pid=''
  pid="$(our_pid || true)"
  if port_answers "$HOST" "$PORT"; then
    if [[ -n "$pid" ]]; then
      echo "running on $HOST:$PORT (pid $pid, started by scripts/kafka.sh)"
    else
      echo "running on $HOST:$PORT (not started by scripts/kafka.sh)"
    fi
  elif [[ -n "$pid" ]]; then
    echo "starting or unhealthy: pid $pid is alive but $HOST:$PORT does not answer (log: $LOG)"
    return 1
  else
    echo "not running"
    return 3
  fi
}

[[ "$PORT" =~ ^[0-9]+$ && "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be port numbers."
mkdir -p "$BASE" "$ROOT/.cache/kafka"
case "${1:-}" in
  start | stop)
    # One start/stop at a time: parallel test workers may all call 'start'.
    exec 9>"$LOCK_FILE"
    flock -w 180 9 || die "another kafka.sh is still running (lock $LOCK_FILE)."
    "$1"
    ;;
  status) status ;;
  fetch)
    # Only the jars (private brokers of the fault tests need them even when a broker already runs).
    exec 9>"$LOCK_FILE"
    flock -w 180 9 || die "another kafka.sh is still running (lock $LOCK_FILE)."
    resolve_jars
    ;;
  *)
    echo "usage: scripts/kafka.sh start|stop|status|fetch" >&2
    exit 2
    ;;
esac
