#!/usr/bin/env bash
# load.sh — Portcullis's own load benchmark: one run, one load generator (wrk), side by side:
#   direct   wrk → upstream (nginx, return 200)                      the floor
#   allow    wrk → Portcullis → upstream, valid token, right group    200
#   deny401  wrk → Portcullis, no token                               401 (no upstream contact)
#   deny403  wrk → Portcullis, valid token, wrong group               403 (no upstream contact)
# Prints requests/s, latency p50/p99/p99.9, the proxy's CPU µs per request and peak RSS, and the
# ratio of each case to `direct`. Statuses are checked: a case with unexpected statuses is
# reported INVALID, not fast. Everything is on 127.0.0.1 and every run is bounded in time.
#
# Knobs: DURATION=10 (s per case)  WARMUP=20 (s, JIT warm-up through the proxy)  CONNS=32
#        THREADS=1 (wrk)  PIN=0 (1: wrk on CPU 1, everything else on CPU 0)
#        PROXY_JAVA_OPTS (default: the README's recommended heap settings)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10}"; WARMUP="${WARMUP:-20}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-1}"; PIN="${PIN:-0}"
PROXY_JAVA_OPTS="${PROXY_JAVA_OPTS:--Xms128m -Xmx128m -XX:+UseParallelGC}"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results/$STAMP"; mkdir -p "$OUT"
UP_PORT=18101; IDP_PORT=18102; PROXY_PORT=18180; ADMIN_PORT=18190
JAR="$ROOT/target/portcullis.jar"
HZ="$(getconf CLK_TCK)"

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need curl; then
  log "installing wrk, nginx, curl"; apt-get update -qq >/dev/null; apt-get install -y -qq wrk nginx-light curl >/dev/null
fi
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)

if [ "$PIN" = 1 ]; then SUT="taskset -c 0"; GEN="taskset -c 1"; else SUT=""; GEN=""; fi
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
LAST_PID=""
start() { # name cmd... ; sets LAST_PID (never call inside $(...): the bookkeeping would be lost)
  local name="$1"; shift
  setsid $SUT "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null & LAST_PID=$!; PIDS+=("$LAST_PID")
}
wait_http() { for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }

# --- upstream: nginx, one worker, 200 with a small JSON body
cat >"$OUT/upstream.conf" <<NGX
worker_processes 1; daemon off; pid $OUT/nginx.pid; error_log $OUT/nginx-error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$UP_PORT; location / { default_type application/json; return 200 '{"service":"orders","ok":true,"note":"benchmark upstream response body"}'; } } }
NGX
start upstream nginx -c "$OUT/upstream.conf" -p "$OUT"; UP_PID=$LAST_PID
wait_http "http://127.0.0.1:$UP_PORT/"

# --- issuer: the project's dev issuer, tokens valid for 2 hours
start issuer java -Xmx64m -jar "$JAR" dev-issuer --port "$IDP_PORT" --token-lifetime 2h
ISSUER="http://127.0.0.1:$IDP_PORT/oauth2/default"
wait_http "$ISSUER/v1/keys"
ALLOW_TOKEN="$(curl -s "$ISSUER/v1/dev/token?user=alice")"
WRONG_TOKEN="$(curl -s "$ISSUER/v1/dev/token?user=carol")"

# --- the proxy
cat >"$OUT/portcullis.yaml" <<YAML
listen: 127.0.0.1:$PROXY_PORT
admin: { listen: 127.0.0.1:$ADMIN_PORT }
issuers:
  - { id: dev, issuer: $ISSUER, audiences: [api://default], max_token_lifetime: 3h }
routes:
  - id: orders
    match: { path: /orders/** }
    upstream: http://127.0.0.1:$UP_PORT
    deny: [ { groups_any: [suspended] } ]
    allow: [ { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] } ]
YAML
start_proxy() { # name audit-level
  start "$1" env PORTCULLIS_AUDIT_LEVEL="$2" java $PROXY_JAVA_OPTS -jar "$JAR" run --config "$OUT/portcullis.yaml"
  PROXY_PID=$LAST_PID
  for _ in $(seq 1 100); do curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/readyz" | grep -q 200 && break; sleep 0.1; done
}
start_proxy proxy "${AUDIT_LEVEL:-INFO}"

# CPU ticks and RSS (KiB) summed over a process group (nginx master + worker, all JVM threads)
# (processes come and go while /proc is read: a vanished file is skipped, never fatal)
cpu_ticks() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$1" '{s=$0; sub(/^.*\) /,"",s); split(s,f," "); if (f[3]==pg) t+=f[12]+f[13]} END{print t+0}'; }
rss_kb() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$1" -v page="$(getconf PAGESIZE)" '{s=$0; sub(/^.*\) /,"",s); split(s,f," "); if (f[3]==pg) r+=f[22]*page} END{printf "%d\n", r/1024}'; }

# run_case NAME URL EXPECTED_STATUS [TOKEN]
declare -A RPS P50 P99 P999 CPU RSS VALID
run_case() {
  local name="$1" url="$2" want="$3" token="${4:-}" hdr=()
  [ -n "$token" ] && hdr=(-H "Authorization: Bearer $token")
  local got; got="$(curl -s -o /dev/null -w '%{http_code}' "${hdr[@]}" "$url")"
  if [ "$got" != "$want" ]; then VALID[$name]="INVALID (pre-check $got, want $want)"; log "$name: $got != $want"; return; fi
  timeout $((DURATION + 10)) $GEN wrk -t"$THREADS" -c"$CONNS" -d3s "${hdr[@]}" "$url" >/dev/null 2>&1 || true
  local pid="$PROXY_PID"; [ "$name" = direct ] && pid="$UP_PID"
  local c0; c0=$(cpu_ticks "$pid"); local peak=0
  ( while :; do r=$(rss_kb "$pid"); echo "$r"; sleep 1; done ) >"$OUT/$name.rss" 2>/dev/null & local sampler=$!
  timeout $((DURATION + 15)) $GEN wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "${hdr[@]}" "$url" >"$OUT/$name.wrk" 2>&1 || true
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local c1; c1=$(cpu_ticks "$pid")
  local reqs; reqs=$(awk '/requests in/{print $1}' "$OUT/$name.wrk")
  local non2xx; non2xx=$(awk '/Non-2xx or 3xx/{print $NF}' "$OUT/$name.wrk"); non2xx=${non2xx:-0}
  local errs; errs=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' "$OUT/$name.wrk"); errs=${errs:-0}
  RPS[$name]=$(awk '/Requests\/sec/{printf "%.0f",$2}' "$OUT/$name.wrk")
  P50[$name]=$(awk '$1=="50%"{print $2}' "$OUT/$name.wrk"); P99[$name]=$(awk '$1=="99%"{print $2}' "$OUT/$name.wrk")
  P999[$name]="n/a"
  CPU[$name]=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v n="$reqs" 'BEGIN{printf "%.0f", (b-a)/hz*1e6/n}')
  RSS[$name]=$(sort -n "$OUT/$name.rss" | tail -1 | awk '{printf "%.0f", $1/1024}')
  if [ "$want" = 200 ] && [ "$non2xx" != 0 ]; then VALID[$name]="INVALID ($non2xx non-2xx)";
  elif [ "$want" != 200 ] && [ "$non2xx" != "$reqs" ]; then VALID[$name]="INVALID ($non2xx of $reqs were non-2xx)";
  elif [ "$errs" != 0 ]; then VALID[$name]="INVALID ($errs socket errors)";
  else VALID[$name]="ok"; fi
  log "$name: ${RPS[$name]} rps, p50 ${P50[$name]}, p99 ${P99[$name]}, ${CPU[$name]} µs CPU/req, status ${VALID[$name]}"
}

PURL="http://127.0.0.1:$PROXY_PORT/orders/123"
log "warm-up through the proxy: ${WARMUP}s"
timeout $((WARMUP + 10)) $GEN wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL" >/dev/null 2>&1 || true
timeout 15 $GEN wrk -t1 -c8 -d3s "$PURL" >/dev/null 2>&1 || true
timeout 15 $GEN wrk -t1 -c8 -d3s -H "Authorization: Bearer $WRONG_TOKEN" "$PURL" >/dev/null 2>&1 || true

run_case direct "http://127.0.0.1:$UP_PORT/orders/123" 200
run_case allow "$PURL" 200 "$ALLOW_TOKEN"
run_case deny401 "$PURL" 401
run_case deny403 "$PURL" 403 "$WRONG_TOKEN"

# The same allowed load with the audit log off, in the same run: what audit logging costs.
if [ "${AUDIT_COMPARE:-1}" = 1 ]; then
  kill -TERM -- "-$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true
  start_proxy proxy-noaudit OFF
  timeout $((WARMUP + 10)) $GEN wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL" >/dev/null 2>&1 || true
  run_case allow_noaudit "$PURL" 200 "$ALLOW_TOKEN"
fi

REPORT="$OUT/report.md"
{
  echo "# Portcullis load benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t$THREADS -c$CONNS -d${DURATION}s, PIN=$PIN; proxy JVM: \`$PROXY_JAVA_OPTS\`"
  echo
  echo "| case | expected | rps | ×direct | p50 | p99 | CPU µs/req (proxy; nginx for direct) | peak RSS MiB | statuses |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
  for c in direct allow deny401 deny403 allow_noaudit; do
    [ -n "${RPS[$c]:-}${VALID[$c]:-}" ] || continue
    want=200; [ $c = deny401 ] && want=401; [ $c = deny403 ] && want=403
    ratio=$(awk -v a="${RPS[$c]:-0}" -v b="${RPS[direct]:-1}" 'BEGIN{printf "%.2f", a/b}')
    echo "| $c | $want | ${RPS[$c]:-–} | $ratio | ${P50[$c]:-–} | ${P99[$c]:-–} | ${CPU[$c]:-–} | ${RSS[$c]:-–} | ${VALID[$c]:-–} |"
  done
  echo
  echo "Ratios, not absolute numbers, are the result: everything (wrk, upstream, proxy) shares this machine's cores."
} | tee "$REPORT"
log "report: $REPORT (raw wrk outputs beside it)"
