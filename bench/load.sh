#!/usr/bin/env bash
# load.sh — Portcullis's own load benchmark: one run, one load generator (wrk), side by side:
#   direct          wrk → upstream (nginx, one worker, return 200)                    the floor
#   nginx           wrk → nginx proxy hop, no auth → upstream                          what any hop costs
#   public          wrk → Portcullis → upstream on a `public: true` route (no auth)   200 (the proxy's own hop)
#   allow           wrk → Portcullis → upstream, valid token, right group             200
#   allow_distinct  as allow, every request a different token (no cache help)         200
#   allow_one_token as allow_distinct (its generator script, one of its minted tokens), the same token  200
#                   on every request, so cached after the first: allow_distinct's like-for-like control
#   deny401         wrk → Portcullis, no token                                        401 (no upstream contact)
#   deny403         wrk → Portcullis, valid token, wrong group                        403 (no upstream contact)
#   session         wrk → Portcullis → upstream, a signed-in browser's session cookie  200
#                   (a `login: browser` route; the same user and rules as allow)
#   allow_noaudit   as allow, audit log off (a second proxy process, same run)        200
#   allow_fresh     as allow, on a second proxy process started, warmed and measured     200
#                   exactly as allow_redis is, without Redis: the control allow_redis is judged by
#                   (its transport is PROXY_TRANSPORT's: auto takes io_uring where the kernel has it)
#   allow_iouring   as allow_fresh, with server.transport: io_uring (Netty's native io_uring)   200
#   allow_epoll_fresh as allow_fresh, with server.transport: epoll: allow_iouring's like-for-like  200
#                   control. Each of the two is INVALID when its proxy logged another transport
#                   (a kernel without io_uring falls back to epoll, with a warning in its .out)
#   allow_h2        h2load → Portcullis (h2c, prior knowledge; H2_STREAMS streams per connection) →   200
#                   upstream, the allow token: HTTP/2 on the listener (server.http2: true)
#   allow_h1load    h2load --h1 → Portcullis, the allow token: HTTP/1.1 driven by the same generator   200
#                   as allow_h2, so the two differ only in the protocol. Both need h2load (Debian's
#                   nghttp2-client, installed when missing); they run on the first proxy process.
#   allow_redis     as allow, with shared_state.redis on (a second proxy process and a      200
#                   redis-server of its own on a free loopback port, same run): nothing is fetched
#                   from Redis on the bearer hot path, so it must cost no more than allow. Skipped,
#                   with a note in the report, when redis-server (REDIS_SERVER) is missing.
# Prints requests/s, latency p50/p99/p99.9, CPU µs per request and peak RSS of the process under
# test, and the ratio of each case to `direct` and to the `nginx` hop. Statuses are checked: a case
# with unexpected statuses is reported INVALID, not fast. Everything is on 127.0.0.1 and every
# run is bounded in time.
#
# Knobs: DURATION=10 (s per case)  WARMUP=20 (s, JIT warm-up through the proxy)  CONNS=32
#        THREADS=1 (wrk)  PIN=0 (1: wrk on CPU 1, everything else on CPU 0)
#        CASES="direct nginx public allow session allow_distinct allow_one_token deny401 deny403 allow_h2 allow_h1load allow_noaudit allow_fresh allow_redis allow_iouring allow_epoll_fresh"
#        PROXY_TRANSPORT=auto (server.transport of every proxy process but allow_iouring's and allow_epoll_fresh's:
#        auto | io_uring | epoll | nio)
#        H2_STREAMS=1 (h2load -m: concurrent streams per HTTP/2 connection; 1 = the same concurrency as wrk's)
#        REDIS_SERVER=/usr/bin/redis-server (Debian's redis-server, for allow_redis)
#        PROXY_JAVA_OPTS (default: -Xms64m -Xmx128m, the heap of every report in docs/perf)  AUDIT_LEVEL=INFO
#        JAR=target/portcullis.jar (another build to compare, e.g. one of the previous commit)
#        DISTINCT_TOKENS=100000 (minted once into TOKEN_DIR=/tmp/portcullis-scale-tokens, shared
#        with bench/scale/scale.sh; about 1 ms of CPU per token the first time; a third of them
#        warm the verification path, the other two thirds are measured, each sent once)
#        CONFIG_EXTRA='' (top-level YAML added to the proxy's config, e.g. 'identity_assertion: { enabled: false }')
#        SERVER_EXTRA='' (keys added to the proxy's server: map, e.g. 'token_cache_size: 0, io_threads: 1')
#        PORT_BASE=18100 (its ports are PORT_BASE+1..+4, +80, +90, +103)
#        PROFILER=/path/to/libasyncProfiler.so (optional: each proxy case is profiled through
#        jcmd into <case>.collapsed, and its hottest frames go to <case>.top)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10}"; WARMUP="${WARMUP:-20}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-1}"; PIN="${PIN:-0}"
CASES="${CASES:-direct nginx public allow session allow_distinct allow_one_token deny401 deny403 allow_h2 allow_h1load allow_noaudit allow_fresh allow_redis allow_iouring allow_epoll_fresh}"
PROXY_TRANSPORT="${PROXY_TRANSPORT:-auto}"
H2_STREAMS="${H2_STREAMS:-1}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
PROXY_JAVA_OPTS="${PROXY_JAVA_OPTS:--Xms64m -Xmx128m -XX:+UseSerialGC}"
DISTINCT_TOKENS="${DISTINCT_TOKENS:-100000}"; TOKEN_DIR="${TOKEN_DIR:-/tmp/portcullis-scale-tokens}"
PROFILER="${PROFILER:-}"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results/$STAMP"; mkdir -p "$OUT"
PORT_BASE="${PORT_BASE:-18100}"   # another PORT_BASE (e.g. 28100) lets two runs share the machine
UP_PORT=$((PORT_BASE + 1)); IDP_PORT=$((PORT_BASE + 2)); HOP_PORT=$((PORT_BASE + 3))
PROXY_PORT=$((PORT_BASE + 80)); ADMIN_PORT=$((PORT_BASE + 90))
# the minted tokens' issuer is http://127.0.0.1:18203/bench, as in bench/scale (a name in the tokens,
# whatever PORT_BASE is); their keys are served on JWKS_PORT
JWKS_PORT=$((PORT_BASE + 103))
JAR="${JAR:-$ROOT/target/portcullis.jar}"
HZ="$(getconf CLK_TCK)"
has() { case " $CASES " in *" $1 "*) return 0;; esac; return 1; }

source "$HERE/lib.sh"
if ! need wrk || ! need nginx || ! need curl; then
  log "installing wrk, nginx, curl"; apt-get update -qq >/dev/null; apt-get install -y -qq wrk nginx-light curl >/dev/null
fi
if { has allow_h2 || has allow_h1load; } && ! need h2load; then
  log "installing h2load (nghttp2-client)"; apt-get update -qq >/dev/null; apt-get install -y -qq nghttp2-client >/dev/null || true
fi
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)

if [ "$PIN" = 1 ]; then SUT="taskset -c 0"; GEN="taskset -c 1"; else SUT=""; GEN=""; fi

# --- tokens for allow_distinct: RS256, minted with bench/scale/MintTokens.java (kept and reused)
SELF_ISSUER="http://127.0.0.1:18203/bench"
if has allow_distinct || has allow_one_token; then
  log "tokens: minting what $TOKEN_DIR lacks (RS256; about 1 ms of CPU each)"
  timeout 1800 nice -n 10 java -cp "$JAR" "$HERE/scale/MintTokens.java" "$TOKEN_DIR" "$SELF_ISSUER" api://default 168 \
    "distinct-$DISTINCT_TOKENS:$DISTINCT_TOKENS:5"
  # the last third warms the verification path, the first two thirds are measured, each token once
  half=$((DISTINCT_TOKENS * 2 / 3))
  head -n "$half" "$TOKEN_DIR/distinct-$DISTINCT_TOKENS.tokens" >"$OUT/distinct-measure.tokens"
  tail -n +"$((half + 1))" "$TOKEN_DIR/distinct-$DISTINCT_TOKENS.tokens" >"$OUT/distinct-warm.tokens"
  tail -n 1 "$OUT/distinct-warm.tokens" >"$OUT/one.tokens"
fi

# --- upstream: nginx, one worker, 200 with a small JSON body; the minted tokens' JWKS beside it
mkdir -p "$OUT/jwks"; [ -f "$TOKEN_DIR/jwks.json" ] && cp "$TOKEN_DIR/jwks.json" "$OUT/jwks/keys" || echo '{"keys":[]}' >"$OUT/jwks/keys"
cat >"$OUT/upstream.conf" <<NGX
worker_processes 1; daemon off; pid $OUT/nginx.pid; error_log $OUT/nginx-error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$UP_PORT; location / { default_type application/json; return 200 '{"service":"orders","ok":true,"note":"benchmark upstream response body"}'; } }
  server { listen 127.0.0.1:$JWKS_PORT; location = /bench/keys { default_type application/json; alias $OUT/jwks/keys; } } }
NGX
start upstream nginx -c "$OUT/upstream.conf" -p "$OUT"; UP_PID=$LAST_PID
wait_http "http://127.0.0.1:$UP_PORT/"

# --- the plain hop: nginx, no auth, as ../shared/bench's nginx peer (2 workers, keep-alive 64)
cat >"$OUT/hop.conf" <<NGX
worker_processes 2; daemon off; pid $OUT/hop.pid; error_log $OUT/hop-error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  upstream up { server 127.0.0.1:$UP_PORT; keepalive 64; }
  server { listen 127.0.0.1:$HOP_PORT;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
NGX
if has nginx; then start hop nginx -c "$OUT/hop.conf" -p "$OUT"; HOP_PID=$LAST_PID; wait_http "http://127.0.0.1:$HOP_PORT/"; fi

# --- issuer: the project's dev issuer, tokens valid for 2 hours
echo "bench-client-secret-$STAMP" >"$OUT/client-secret"
start issuer java -Xmx64m -jar "$JAR" dev-issuer --port "$IDP_PORT" --token-lifetime 2h \
  --client-id bench --client-secret-file "$OUT/client-secret"
ISSUER="http://127.0.0.1:$IDP_PORT/oauth2/default"
wait_http "$ISSUER/v1/keys"
ALLOW_TOKEN="$(curl -s "$ISSUER/v1/dev/token?user=alice")"
WRONG_TOKEN="$(curl -s "$ISSUER/v1/dev/token?user=carol")"

# --- the proxy
cat >"$OUT/portcullis.yaml" <<YAML
listen: 127.0.0.1:$PROXY_PORT
admin: { listen: 127.0.0.1:$ADMIN_PORT }
server: { http2: $( { has allow_h2 || has allow_h1load; } && echo true || echo false ), transport: $PROXY_TRANSPORT${SERVER_EXTRA:+, $SERVER_EXTRA} }
issuers:
  - id: dev
    issuer: $ISSUER
    audiences: [api://default]
    max_token_lifetime: 3h
    client: { client_id: bench, client_secret_file: $OUT/client-secret }
  - { id: minted, issuer: $SELF_ISSUER, audiences: [api://default], jwks_uri: http://127.0.0.1:$JWKS_PORT/bench/keys, max_token_lifetime: 169h }
routes:
  - id: orders
    match: { path: /orders/** }
    upstream: http://127.0.0.1:$UP_PORT
    deny: [ { groups_any: [suspended] } ]
    allow: [ { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] } ]
  - id: app
    match: { path: /app/** }
    upstream: http://127.0.0.1:$UP_PORT
    login: browser
    deny: [ { groups_any: [suspended] } ]
    allow: [ { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] } ]
  - id: public
    match: { path: /public/** }
    upstream: http://127.0.0.1:$UP_PORT
    public: true
${CONFIG_EXTRA:-}
YAML
start_proxy() { # name audit-level [config file]
  start "$1" env PORTCULLIS_AUDIT_LEVEL="$2" java $PROXY_JAVA_OPTS $ATTACH -jar "$JAR" run --config "${3:-$OUT/portcullis.yaml}"
  PROXY_PID=$LAST_PID
  for _ in $(seq 1 100); do curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/readyz" | grep -q 200 && break; sleep 0.1; done
}
warm() { # seconds [wrk args...]
  local s="$1"; shift
  timeout $((s + 10)) $GEN wrk -t"$THREADS" -c"$CONNS" -d"${s}s" "$@" >/dev/null 2>&1 || true
}
cache_count() { # result (hit|miss): the proxy's token cache lookups so far
  curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v r="$1" '/^portcullis_token_cache_requests_total/ && $0 ~ "result=\""r"\"" {printf "%.0f", $NF}'
}

# A signed-in browser's session, as a browser gets one: the route's redirect to the dev issuer, its
# sign-in page (the picker's form: the request handle and the user), the callback, the cookie.
session_cookie() { # user
  local jar="$OUT/session.jar" loc page handle action
  rm -f "$jar"
  loc="$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" -H 'Accept: text/html' "http://127.0.0.1:$PROXY_PORT/app/")"
  page="$(curl -s "$loc")"
  handle="$(printf '%s' "$page" | sed -n 's/.*name="request" value="\([^"]*\)".*/\1/p' | head -1)"
  action="$(printf '%s' "$page" | sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p' | head -1 | sed 's/&amp;/\&/g')"
  case "$action" in http*) ;; *) action="http://127.0.0.1:$IDP_PORT$action";; esac
  loc="$(curl -s -o /dev/null -w '%{redirect_url}' --data-urlencode "request=$handle" --data-urlencode "user=$1" "$action")"
  curl -s -o /dev/null -c "$jar" -b "$jar" "$loc"
  awk '$6 == "portcullis" {print $7}' "$jar"
}

json() { sed -n 's/^WRKJSON //p' "$1" | tail -1 | tr -d '{}"' | tr ',' '\n' | awk -F: -v k="$2" '$1==k{print $2}'; }
us() { awk -v u="$1" 'BEGIN{ if (u >= 1000) printf "%.2f ms", u/1000; else printf "%d µs", u }'; }

# run_case NAME PID URL EXPECTED_STATUS [wrk args...]   (CHECK_HDR: the headers of the curl pre-check)
declare -A RPS P50 P99 P999 CPU NOJIT KERN RSS VALID NOTE
run_case() {
  local name="$1" pid="$2" url="$3" want="$4"; shift 4
  local got; got="$(curl -s -o /dev/null -w '%{http_code}' "${CHECK_HDR[@]}" "$url")"
  if [ "$got" != "$want" ]; then VALID[$name]="INVALID (pre-check $got, want $want)"; log "$name: $got != $want"; return; fi
  local c0; c0=$(cpu_ticks "$pid"); local j0; j0=$(cpu_ticks_nojit "$pid")
  ( while :; do rss_kb "$pid"; sleep 1; done ) >"$OUT/$name.rss" 2>/dev/null & local sampler=$!
  if [ "$pid" = "${PROXY_PID:-}" ]; then profile_start "$pid"; fi
  timeout $((DURATION + 15)) $GEN wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$HERE/report.lua" "$url" "$@" >"$OUT/$name.wrk" 2>&1 || true
  local c1; c1=$(cpu_ticks "$pid"); local j1; j1=$(cpu_ticks_nojit "$pid")
  if [ "$pid" = "${PROXY_PID:-}" ]; then profile_stop "$pid" "$name"; fi
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local reqs; reqs=$(json "$OUT/$name.wrk" requests); reqs=${reqs:-0}
  local dur; dur=$(json "$OUT/$name.wrk" duration_us)
  local bad; bad=$(json "$OUT/$name.wrk" err_status); local errs; errs=$(json "$OUT/$name.wrk" err_socket)
  if [ "$reqs" = 0 ]; then VALID[$name]="INVALID (no requests; see $name.wrk)"; log "$name: no requests"; return; fi
  RPS[$name]=$(awk -v n="$reqs" -v d="$dur" 'BEGIN{printf "%.0f", n/(d/1e6)}')
  P50[$name]=$(us "$(json "$OUT/$name.wrk" p50_us)"); P99[$name]=$(us "$(json "$OUT/$name.wrk" p99_us)")
  P999[$name]=$(us "$(json "$OUT/$name.wrk" p999_us)")
  CPU[$name]=$(echo "$c0 $c1" | awk -v hz="$HZ" -v n="$reqs" '{printf "%.0f", ($3+$4-$1-$2)/hz*1e6/n}')
  NOJIT[$name]=$(awk -v a="$j0" -v b="$j1" -v hz="$HZ" -v n="$reqs" 'BEGIN{printf "%.0f", (b-a)/hz*1e6/n}')
  [ "$pid" = "${PROXY_PID:-}" ] || NOJIT[$name]="${CPU[$name]}"
  KERN[$name]=$(echo "$c0 $c1" | awk -v hz="$HZ" -v n="$reqs" '{printf "%.0f", ($4-$2)/hz*1e6/n}')
  RSS[$name]=$(sort -n "$OUT/$name.rss" | tail -1 | awk '{printf "%.0f", $1/1024}')
  if [ "$want" = 200 ] && [ "$bad" != 0 ]; then VALID[$name]="INVALID ($bad non-2xx)";
  elif [ "$want" != 200 ] && [ "$bad" != "$reqs" ]; then VALID[$name]="INVALID ($bad of $reqs were non-2xx)";
  elif [ "$errs" != 0 ]; then VALID[$name]="INVALID ($errs socket errors)";
  else VALID[$name]="ok"; fi
  log "$name: ${RPS[$name]} rps, p50 ${P50[$name]}, p99 ${P99[$name]}, p99.9 ${P999[$name]}, ${CPU[$name]} µs CPU/req (${KERN[$name]} in the kernel; ${NOJIT[$name]} without JIT compiler threads), ${VALID[$name]}"
}

# run_h2load NAME PID URL [h2load args...]: as run_case, with h2load (no percentiles: its mean
# latency goes in the p50 column). Statuses: every request must be a 2xx.
run_h2load() {
  local name="$1" pid="$2" url="$3"; shift 3
  if ! need h2load; then VALID[$name]="skipped: needs h2load (apt-get install nghttp2-client)"; log "$name: ${VALID[$name]}"; return; fi
  local c0; c0=$(cpu_ticks "$pid"); local j0; j0=$(cpu_ticks_nojit "$pid")
  ( while :; do rss_kb "$pid"; sleep 1; done ) >"$OUT/$name.rss" 2>/dev/null & local sampler=$!
  timeout $((DURATION + 15)) $GEN h2load -t"$THREADS" -c"$CONNS" -D"$DURATION" "$@" "$url" >"$OUT/$name.h2load" 2>&1 || true
  local c1; c1=$(cpu_ticks "$pid"); local j1; j1=$(cpu_ticks_nojit "$pid")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local done ok rps mean
  done=$(awk '/^requests:/{print $6; exit}' "$OUT/$name.h2load"); done=${done:-0}
  ok=$(awk '/^status codes:/{print $3; exit}' "$OUT/$name.h2load"); ok=${ok:-0}
  rps=$(awk '/^finished in/{gsub(",","",$4); printf "%.0f", $4; exit}' "$OUT/$name.h2load")
  mean=$(awk '/^time for request:/{print $6; exit}' "$OUT/$name.h2load")
  if [ "$done" = 0 ] || [ -z "$rps" ]; then VALID[$name]="INVALID (no requests; see $name.h2load)"; log "$name: no requests"; return; fi
  RPS[$name]=$rps; P50[$name]="${mean:-–} (mean)"; P99[$name]="–"; P999[$name]="–"
  CPU[$name]=$(echo "$c0 $c1" | awk -v hz="$HZ" -v n="$done" '{printf "%.0f", ($3+$4-$1-$2)/hz*1e6/n}')
  NOJIT[$name]=$(awk -v a="$j0" -v b="$j1" -v hz="$HZ" -v n="$done" 'BEGIN{printf "%.0f", (b-a)/hz*1e6/n}')
  KERN[$name]=$(echo "$c0 $c1" | awk -v hz="$HZ" -v n="$done" '{printf "%.0f", ($4-$2)/hz*1e6/n}')
  RSS[$name]=$(sort -n "$OUT/$name.rss" | tail -1 | awk '{printf "%.0f", $1/1024}')
  if [ "$ok" != "$done" ]; then VALID[$name]="INVALID ($((done - ok)) of $done not 2xx)"; else VALID[$name]="ok"; fi
  NOTE[$name]="h2load ${H2LOAD_LABEL:-}"
  log "$name: ${RPS[$name]} rps, mean ${P50[$name]}, ${CPU[$name]} µs CPU/req, ${VALID[$name]}"
}

PURL="http://127.0.0.1:$PROXY_PORT/orders/123"
CHECK_HDR=()
if has direct; then run_case direct "$UP_PID" "http://127.0.0.1:$UP_PORT/orders/123" 200; fi
if has nginx; then
  warm 3 "http://127.0.0.1:$HOP_PORT/orders/123"
  run_case nginx "$HOP_PID" "http://127.0.0.1:$HOP_PORT/orders/123" 200
  stop "$HOP_PID"
fi

if has public || has allow || has session || has allow_distinct || has allow_one_token || has deny401 || has deny403; then
  start_proxy proxy "${AUDIT_LEVEL:-INFO}"
  SURL="http://127.0.0.1:$PROXY_PORT/app/123"
  if has session; then SESSION_ID="$(session_cookie alice)"; [ -n "$SESSION_ID" ] || log "session: sign-in failed (no cookie)"; fi
  log "warm-up through the proxy: ${WARMUP}s"
  # every path first, then the allowed one for the rest of the warm-up: code that first meets a new
  # kind of request is recompiled, and that should happen before the measurement, not in it
  warm 3 "$PURL"
  warm 3 -H "Authorization: Bearer $WRONG_TOKEN" "$PURL"
  warm 3 "http://127.0.0.1:$PROXY_PORT/public/123"
  if has session; then warm 3 -H "Cookie: portcullis=$SESSION_ID" "$SURL"; fi
  warm "$WARMUP" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL"
  if has allow; then CHECK_HDR=(-H "Authorization: Bearer $ALLOW_TOKEN"); run_case allow "$PROXY_PID" "$PURL" 200 -H "Authorization: Bearer $ALLOW_TOKEN"; fi
  # the same user and rules through a session cookie: a session lookup in front of the same cached token
  if has session; then
    warm 5 -H "Cookie: portcullis=$SESSION_ID" "$SURL"
    CHECK_HDR=(-H "Cookie: portcullis=$SESSION_ID"); run_case session "$PROXY_PID" "$SURL" 200 -H "Cookie: portcullis=$SESSION_ID"
  fi
  if has public; then
    warm 5 "http://127.0.0.1:$PROXY_PORT/public/123"
    CHECK_HDR=(); run_case public "$PROXY_PID" "http://127.0.0.1:$PROXY_PORT/public/123" 200
  fi
  if has deny401; then CHECK_HDR=(); run_case deny401 "$PROXY_PID" "$PURL" 401; fi
  if has deny403; then CHECK_HDR=(-H "Authorization: Bearer $WRONG_TOKEN"); run_case deny403 "$PROXY_PID" "$PURL" 403 -H "Authorization: Bearer $WRONG_TOKEN"; fi
  # HTTP/2 beside HTTP/1.1, one generator (h2load) for both, on the same warm process
  if has allow_h2; then
    if need h2load; then timeout $((WARMUP / 2 + 10)) h2load -c"$CONNS" -m"$H2_STREAMS" -D$((WARMUP / 2)) -H "authorization: Bearer $ALLOW_TOKEN" "$PURL" >/dev/null 2>&1 || true; fi
    H2LOAD_LABEL="h2c prior knowledge, -c$CONNS -m$H2_STREAMS" run_h2load allow_h2 "$PROXY_PID" "$PURL" -m"$H2_STREAMS" -H "authorization: Bearer $ALLOW_TOKEN"
  fi
  if has allow_h1load; then
    if need h2load; then timeout $((WARMUP / 2 + 10)) h2load --h1 -c"$CONNS" -D$((WARMUP / 2)) -H "authorization: Bearer $ALLOW_TOKEN" "$PURL" >/dev/null 2>&1 || true; fi
    H2LOAD_LABEL="--h1, -c$CONNS" run_h2load allow_h1load "$PROXY_PID" "$PURL" --h1 -H "authorization: Bearer $ALLOW_TOKEN"
  fi
  # allow_distinct's control: the same generator script and kind of token, one token, cached after the first request
  if has allow_one_token; then
    warm 5 -s "$HERE/report.lua" "$PURL" -- "$OUT/one.tokens"
    CHECK_HDR=(-H "Authorization: Bearer $(cat "$OUT/one.tokens")")
    run_case allow_one_token "$PROXY_PID" "$PURL" 200 -- "$OUT/one.tokens"
  fi
  # last, since it fills the token cache (and the heap) with tens of thousands of callers
  if has allow_distinct; then
    # warm the new-token path on other tokens, then measure on tokens the proxy has never seen
    # (the pre-check spends a warm-up token, not one of those)
    warm $((WARMUP / 2)) -s "$HERE/report.lua" "$PURL" -- "$OUT/distinct-warm.tokens"
    CHECK_HDR=(-H "Authorization: Bearer $(head -1 "$OUT/distinct-warm.tokens")")
    h0=$(cache_count hit); m0=$(cache_count miss)
    run_case allow_distinct "$PROXY_PID" "$PURL" 200 -- "$OUT/distinct-measure.tokens"
    h1=$(cache_count hit); m1=$(cache_count miss)
    NOTE[allow_distinct]="token cache: $((h1 - h0)) hits, $((m1 - m0)) misses"
  fi
  stop "$PROXY_PID"
fi

# The same allowed load with the audit log off, in the same run: what audit logging costs.
if has allow_noaudit; then
  start_proxy proxy-noaudit OFF
  warm "$WARMUP" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL"
  CHECK_HDR=(-H "Authorization: Bearer $ALLOW_TOKEN")
  run_case allow_noaudit "$PROXY_PID" "$PURL" 200 -H "Authorization: Bearer $ALLOW_TOKEN"
  stop "$PROXY_PID"
fi

# The same allowed load with shared_state.redis on, in the same run: a second proxy process with the
# config above plus the section, on a redis-server of its own. Bearer requests never touch Redis (the
# fleet's state reaches each instance by pub/sub), so this must cost what allow costs. The run is
# INVALID unless /readyz reports shared_state ok before and after the measurement.
shared_state_status() { curl -s "http://127.0.0.1:$ADMIN_PORT/readyz" | sed -n 's/.*"shared_state":{"status":"\([a-z]*\)".*/\1/p'; }
free_port() { # from: the first loopback port from there on that nothing listens on
  local p="$1"; while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
# The control for allow_redis: a second proxy process with the first one's config and no Redis, started,
# warmed and measured exactly as allow_redis is. A fresh process with a short warm-up costs more per
# request than the first one (its JIT is still compiling), so allow_redis is judged against this row.
if has allow_fresh; then
  start_proxy proxy-fresh "${AUDIT_LEVEL:-INFO}" "$OUT/portcullis.yaml"
  warm "$WARMUP" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL"
  CHECK_HDR=(-H "Authorization: Bearer $ALLOW_TOKEN")
  run_case allow_fresh "$PROXY_PID" "$PURL" 200 -H "Authorization: Bearer $ALLOW_TOKEN"
  stop "$PROXY_PID"
fi
# io_uring against epoll: two more processes with the first one's config and only server.transport
# changed, each started, warmed and measured exactly as allow_fresh is. The start-up line names the
# transport a process runs on; a case whose proxy fell back (no io_uring in this kernel) is INVALID.
transport_case() { # case transport
  sed "s/^\(server: {.*transport: \)[a-z_]*/\1$2/" "$OUT/portcullis.yaml" >"$OUT/portcullis-$2.yaml"
  start_proxy "proxy-$1" "${AUDIT_LEVEL:-INFO}" "$OUT/portcullis-$2.yaml"
  warm "$WARMUP" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL"
  CHECK_HDR=(-H "Authorization: Bearer $ALLOW_TOKEN")
  run_case "$1" "$PROXY_PID" "$PURL" 200 -H "Authorization: Bearer $ALLOW_TOKEN"
  local used; used="$(sed -n 's/.*portcullis listening on .*, transport \([a-z_]*\),.*/\1/p' "$OUT/proxy-$1.out" "$OUT/proxy-$1.err" 2>/dev/null | head -1)"
  NOTE[$1]="transport ${used:-?}"
  if [ "$used" != "$2" ]; then VALID[$1]="INVALID (ran on ${used:-?}, not $2; see proxy-$1.out)"; log "$1: ${VALID[$1]}"; fi
  stop "$PROXY_PID"
}
if has allow_iouring; then transport_case allow_iouring io_uring; fi
if has allow_epoll_fresh; then transport_case allow_epoll_fresh epoll; fi
if has allow_redis; then
  if [ -x "$REDIS_SERVER" ]; then
    REDIS_PORT="$(free_port $((PORT_BASE + 4)))"
    start redis "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$OUT"
    REDIS_PID=$LAST_PID
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break; sleep 0.1; done
    head -c 32 /dev/urandom >"$OUT/session-key"
    { cat "$OUT/portcullis.yaml"; printf 'shared_state:\n  redis:\n    uri: redis://127.0.0.1:%s\n    key_prefix: "bench:"\n    session_keys_files: [%s]\n    timeout: 200ms\n' \
        "$REDIS_PORT" "$OUT/session-key"; } >"$OUT/portcullis-redis.yaml"
    start_proxy proxy-redis "${AUDIT_LEVEL:-INFO}" "$OUT/portcullis-redis.yaml"
    for _ in $(seq 1 50); do [ "$(shared_state_status)" = ok ] && break; sleep 0.1; done
    before="$(shared_state_status)"
    warm "$WARMUP" -H "Authorization: Bearer $ALLOW_TOKEN" "$PURL"
    CHECK_HDR=(-H "Authorization: Bearer $ALLOW_TOKEN")
    run_case allow_redis "$PROXY_PID" "$PURL" 200 -H "Authorization: Bearer $ALLOW_TOKEN"
    after="$(shared_state_status)"
    NOTE[allow_redis]="shared_state ${before:-?} before, ${after:-?} after"
    if [ "$before" != ok ] || [ "$after" != ok ]; then VALID[allow_redis]="INVALID (Redis not ok)"; fi
    stop "$PROXY_PID"; stop "$REDIS_PID"
  else
    VALID[allow_redis]="skipped: needs $REDIS_SERVER (apt-get install redis-server)"; log "allow_redis: ${VALID[allow_redis]}"
  fi
fi

REPORT="$OUT/report.md"
ratio() { awk -v a="${RPS[$1]:-0}" -v b="${RPS[$2]:-0}" 'BEGIN{ if (a > 0 && b > 0) printf "%.2f", a/b; else printf "–" }'; }
if [ -n "${RPS[allow_redis]:-}" ] && [ -n "${RPS[allow]:-}" ]; then
  NOTE[allow_redis]+="; rps ×allow $(ratio allow_redis allow), CPU µs/req ${CPU[allow_redis]} vs ${CPU[allow]}"
fi
if [ -n "${RPS[allow_iouring]:-}" ] && [ -n "${RPS[allow_epoll_fresh]:-}" ]; then
  NOTE[allow_iouring]+="; rps ×allow_epoll_fresh $(ratio allow_iouring allow_epoll_fresh), CPU µs/req ${CPU[allow_iouring]} vs ${CPU[allow_epoll_fresh]}"
fi
if [ -n "${RPS[allow_redis]:-}" ] && [ -n "${RPS[allow_fresh]:-}" ]; then
  NOTE[allow_redis]+="; rps ×allow_fresh $(ratio allow_redis allow_fresh), CPU µs/req ${CPU[allow_redis]} vs ${CPU[allow_fresh]}"
fi
{
  echo "# Portcullis load benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r);"
  echo "$(java -version 2>&1 | head -1); wrk -t$THREADS -c$CONNS -d${DURATION}s, PIN=$PIN; proxy JVM: \`$PROXY_JAVA_OPTS\`; $(nginx -v 2>&1)${SERVER_EXTRA:+; added to the proxy server map: \`$SERVER_EXTRA\`}${CONFIG_EXTRA:+; added to its config: \`$CONFIG_EXTRA\`}"
  echo
  echo "| case | expected | rps | ×direct | ×nginx hop | p50 | p99 | p99.9 | CPU µs/req | of which kernel | without JIT | peak RSS MiB | statuses |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for c in direct nginx public allow session allow_one_token allow_distinct deny401 deny403 allow_h2 allow_h1load allow_noaudit allow_fresh allow_redis allow_iouring allow_epoll_fresh; do
    [ -n "${RPS[$c]:-}${VALID[$c]:-}" ] || continue
    want=200; [ $c = deny401 ] && want=401; [ $c = deny403 ] && want=403
    echo "| $c | $want | ${RPS[$c]:-–} | $(ratio $c direct) | $(ratio $c nginx) | ${P50[$c]:-–} | ${P99[$c]:-–} | ${P999[$c]:-–} | ${CPU[$c]:-–} | ${KERN[$c]:-–} | ${NOJIT[$c]:-–} | ${RSS[$c]:-–} | ${VALID[$c]:-–}${NOTE[$c]:+; ${NOTE[$c]}} |"
  done
  echo
  echo "CPU µs/req is of the process under test: the upstream nginx for \`direct\`, the nginx hop for \`nginx\`"
  echo "(its own cost, the upstream's is not added), Portcullis (all threads: event loops, JIT, GC, audit writer) otherwise;"
  echo "\"without JIT\" leaves out the JIT compiler threads, still compiling after a short warm-up (a start-up cost, not a per-request one)."
  echo "Ratios, not absolute numbers, are the result: everything (wrk, upstream, proxy) shares this machine's cores."
} | tee "$REPORT"
log "report: $REPORT (raw wrk outputs beside it)"
