#!/usr/bin/env bash
# startup.sh — how long from `./portcullis run` (the launcher, as an operator starts the proxy: its JVM
# flags and its class-data archive target/portcullis.jsa, see README "Start-up") to answering requests.
# RUNS times: start the proxy, then poll (every 10 ms) until
#   (1) the listener answers at all (a 401 to a request without a token), and
#   (2) an allowed request with a valid token is forwarded (200): config compiled, the issuer's
#       keys fetched through OIDC discovery, the route's upstream reached;
# then stop it. Prints each run and the median, and the proxy's own figure (its log line "listening
# … ms since the process was launched", free of the polling's cost). Loopback only; every wait is
# bounded. Polling every 50 ms costs little CPU but rounds the outside figures up by up to 50 ms.
#
# Knobs: RUNS=5  PROXY_JAVA_OPTS (default: none, so the launcher's own flags, README "Heap"; set, it is
#        passed as PORTCULLIS_JAVA_OPTS, which replaces them)
#        PORTCULLIS_CDS=off (start without the class-data archive, for a before/after)
#        PORT_BASE=18300 (upstream +1, issuer +2, proxy +80, admin +90: another bench on the same ports
#        would answer for the proxy, so a port already taken stops the run)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS="${RUNS:-5}"
PROXY_JAVA_OPTS="${PROXY_JAVA_OPTS:-}"
JAVA_OPTS_ENV=(); [ -z "$PROXY_JAVA_OPTS" ] || JAVA_OPTS_ENV=("PORTCULLIS_JAVA_OPTS=$PROXY_JAVA_OPTS")
OUT="$HERE/results/startup-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
PORT_BASE="${PORT_BASE:-18300}"
UP_PORT=$((PORT_BASE + 1)); IDP_PORT=$((PORT_BASE + 2)); PROXY_PORT=$((PORT_BASE + 80)); ADMIN_PORT=$((PORT_BASE + 90))
JAR="$ROOT/target/portcullis.jar"
source "$HERE/lib.sh"
need nginx && need curl || { apt-get update -qq >/dev/null; apt-get install -y -qq nginx-light curl >/dev/null; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
# Outside the measurement: the launcher's own rebuild when sources changed, and the archive when it is missing
"$ROOT/portcullis" --version >/dev/null
if [ "${PORTCULLIS_CDS:-auto}" != off ] && ! [ "${JAR%.jar}.jsa" -nt "$JAR" ]; then
  "$ROOT/portcullis" cds-train >"$OUT/cds-train.log" 2>&1
fi
for p in $UP_PORT $IDP_PORT $PROXY_PORT $ADMIN_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then log "port $p is taken (another bench?): set PORT_BASE"; exit 1; fi
done

cat >"$OUT/upstream.conf" <<NGX
worker_processes 1; daemon off; pid $OUT/nginx.pid; error_log $OUT/nginx-error.log warn;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$UP_PORT; location / { return 200 'ok'; } } }
NGX
start upstream nginx -c "$OUT/upstream.conf" -p "$OUT"
start issuer java -Xmx64m -jar "$JAR" dev-issuer --port "$IDP_PORT"
ISSUER="http://127.0.0.1:$IDP_PORT/oauth2/default"
wait_http "$ISSUER/v1/keys"
TOKEN="$(curl -s "$ISSUER/v1/dev/token?user=alice")"
cat >"$OUT/portcullis.yaml" <<YAML
listen: 127.0.0.1:$PROXY_PORT
admin: { listen: 127.0.0.1:$ADMIN_PORT }
issuers:
  - { id: dev, issuer: $ISSUER, audiences: [api://default] }
routes:
  - id: orders
    match: { path: /orders/** }
    upstream: http://127.0.0.1:$UP_PORT
    allow: [ { groups_any: [orders-readers] } ]
YAML

# Polling forks nothing (bash's /dev/tcp, $EPOCHREALTIME, read -t on an idle fifo, no $(…)): a curl and a
# date every few milliseconds steal enough CPU from a starting JVM on two cores to add a second.
mkfifo "$OUT/idle"; exec 9<>"$OUT/idle"
ms() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%d", (b - a) * 1000}'; }
status_of() { # [header] → STATUS: the status code of GET /orders/1, or nothing when the port is closed
  STATUS=""
  exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT" 2>/dev/null || return 0
  printf 'GET /orders/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n' "${1:+$1$'\r\n'}" >&3
  local line=""; read -r -t 5 line <&3 || true; exec 3<&- 3>&-
  line="${line#HTTP/1.1 }"; STATUS="${line%% *}"
}
FIRST=(); ALLOWED=(); OWN=()
for i in $(seq 1 "$RUNS"); do
  t0=$EPOCHREALTIME
  start "proxy-$i" env "${JAVA_OPTS_ENV[@]}" "$ROOT/portcullis" run --config "$OUT/portcullis.yaml"
  pid=$LAST_PID
  first=""; allowed=""
  for _ in $(seq 1 2000); do   # 2,000 × ≥10 ms: at most ~20 s (and a dead proxy ends it)
    kill -0 "$pid" 2>/dev/null || break
    if [ -z "$first" ]; then status_of; [ "$STATUS" = 401 ] && first=$EPOCHREALTIME; fi
    if [ -n "$first" ]; then status_of "Authorization: Bearer $TOKEN"; [ "$STATUS" = 200 ] && { allowed=$EPOCHREALTIME; break; }; fi
    read -r -t 0.01 -u 9 || true
  done
  stop "$pid"
  [ -n "$first" ] && first=$(ms "$t0" "$first"); [ -n "$allowed" ] && allowed=$(ms "$t0" "$allowed")
  own=$(sed -n 's/.* (\([0-9]*\) ms since the process was launched).*/\1/p' "$OUT/proxy-$i.err" | head -1)
  log "run $i: listening after ${own:-?} ms (its log), answering after ${first:-never} ms, first allowed request forwarded after ${allowed:-never} ms"
  FIRST+=("${first:-99999}"); ALLOWED+=("${allowed:-99999}"); OWN+=("${own:-99999}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
{
  echo "# Portcullis start-up, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  cds="class-data archive $( [ "${PORTCULLIS_CDS:-auto}" = off ] && echo off || { [ -f "${JAR%.jar}.jsa" ] && echo "on (target/portcullis.jsa)" || echo "missing"; })"
  echo "$(nproc) cores; $(java -version 2>&1 | head -1); \`./portcullis run\` with \`${PROXY_JAVA_OPTS:-its default JVM flags}\`, $cds; $RUNS runs"
  echo
  echo "| from launch to | median | runs (ms) |"
  echo "|---|---:|---|"
  echo "| listening (the proxy's log: process start to bound sockets) | $(median "${OWN[@]}") ms | ${OWN[*]} |"
  echo "| listener answering (401 without a token) | $(median "${FIRST[@]}") ms | ${FIRST[*]} |"
  echo "| first allowed request forwarded (keys fetched, upstream reached) | $(median "${ALLOWED[@]}") ms | ${ALLOWED[*]} |"
} | tee "$OUT/report.md"
