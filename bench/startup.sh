#!/usr/bin/env bash
# startup.sh — how long from `java -jar portcullis.jar run` to answering requests, on this machine.
# RUNS times: start the proxy, then poll (every 10 ms, curl) until
#   (1) the listener answers at all (a 401 to a request without a token), and
#   (2) an allowed request with a valid token is forwarded (200): config compiled, the issuer's
#       keys fetched through OIDC discovery, the route's upstream reached;
# then stop it. Prints each run and the median. Loopback only; every wait is bounded.
#
# Knobs: RUNS=5  PROXY_JAVA_OPTS (default: the README's recommended settings)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS="${RUNS:-5}"
PROXY_JAVA_OPTS="${PROXY_JAVA_OPTS:--Xms64m -Xmx128m -XX:+UseSerialGC}"
OUT="$HERE/results/startup-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
UP_PORT=18301; IDP_PORT=18302; PROXY_PORT=18380; ADMIN_PORT=18390
JAR="$ROOT/target/portcullis.jar"
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
command -v nginx >/dev/null && command -v curl >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq nginx-light curl >/dev/null; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
cat >"$OUT/upstream.conf" <<NGX
worker_processes 1; daemon off; pid $OUT/nginx.pid; error_log $OUT/nginx-error.log warn;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$UP_PORT; location / { return 200 'ok'; } } }
NGX
setsid nginx -c "$OUT/upstream.conf" -p "$OUT" >/dev/null 2>&1 </dev/null & PIDS+=($!)
setsid java -Xmx64m -jar "$JAR" dev-issuer --port "$IDP_PORT" >"$OUT/issuer.out" 2>&1 </dev/null & PIDS+=($!)
ISSUER="http://127.0.0.1:$IDP_PORT/oauth2/default"
for _ in $(seq 1 150); do curl -s -o /dev/null "$ISSUER/v1/keys" && break; sleep 0.2; done
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

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
FIRST=(); ALLOWED=()
for i in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  setsid java $PROXY_JAVA_OPTS -jar "$JAR" run --config "$OUT/portcullis.yaml" >"$OUT/proxy-$i.out" 2>"$OUT/proxy-$i.err" </dev/null &
  pid=$!
  first=""; allowed=""
  for _ in $(seq 1 2000); do   # 2,000 × ≥10 ms: at most ~20 s
    if [ -z "$first" ]; then
      c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PROXY_PORT/orders/1" || true)
      [ "$c" = 401 ] && first=$(ms "$t0")
    fi
    if [ -n "$first" ]; then
      c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PROXY_PORT/orders/1" || true)
      if [ "$c" = 200 ]; then allowed=$(ms "$t0"); break; fi
    fi
    sleep 0.01
  done
  kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  log "run $i: listener answering after ${first:-never} ms, first allowed request forwarded after ${allowed:-never} ms"
  FIRST+=("${first:-99999}"); ALLOWED+=("${allowed:-99999}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
{
  echo "# Portcullis start-up, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$(nproc) cores; $(java -version 2>&1 | head -1); \`$PROXY_JAVA_OPTS\`; $RUNS runs"
  echo
  echo "| from launch to | median | runs (ms) |"
  echo "|---|---:|---|"
  echo "| listener answering (401 without a token) | $(median "${FIRST[@]}") ms | ${FIRST[*]} |"
  echo "| first allowed request forwarded (keys fetched, upstream reached) | $(median "${ALLOWED[@]}") ms | ${ALLOWED[*]} |"
} | tee "$OUT/report.md"
