#!/usr/bin/env bash
# scale.sh — how Portcullis's cost grows. wrk against the real proxy jar, on 127.0.0.1 only:
#   (a) routes in the config     10 → 100 → 1,000 → 10,000   (generated; the request matches one)
#   (b) groups per token         1 → 10 → 50 → 100          (one token per point: cache hits)
#   (c) distinct tokens          1 → 1,000 → 10,000 → 100,000 (wrk picks one per request at random)
#       plus a reference point with the token cache off (every request verifies a signature)
#   (d) concurrent connections   1 → 16 → 64 → 256 → 1,024
#   (e) the scale target         10 routes with a 5-group token → 10,000 routes with a 100-group token
# For each point: requests/s, p50/p99, the proxy's CPU µs per request (its threads from /proc,
# JIT compiler threads left out; with them in a second column), RSS, upstream connections opened,
# and statuses: any non-2xx answer or socket error makes the point INVALID, and an invalid point
# is marked in the report, never drawn as a measurement.
#
# Setup as bench/load.sh: nginx upstream (one worker, return 200), the project's dev issuer
# (`portcullis dev-issuer`, token of alice) for (a) and (d); for (b) and (c) tokens minted here
# (MintTokens.java, RS256, own key; the JWKS is a static file served by the same nginx).
#
# Knobs: DURATION=5 (s per point)  WARMUP=10 (s, JIT warm-up after each proxy start)  CONNS=32
#        THREADS=1 (wrk)  CURVES="a b c d e"  ROUTES="10 100 1000 10000"  GROUP_COUNTS="1 10 50 100"
#        DISTINCT="1 1000 10000 100000"  CONCURRENCY="1 16 64 256 1024"  BASE_ROUTES=10
#        SPLIT_ROUTES=2500 (larger route sets go to include files: one YAML file may hold 3 MiB)
#        PROXY_JAVA_OPTS (default as load.sh)  AUDIT_LEVEL=INFO  TOKEN_DIR=/tmp/portcullis-scale-tokens
#        JAR (default /tmp/build-scale/portcullis.jar, built from the working tree when missing or
#        with BUILD=1; target/portcullis.jar if that build fails)
#        KEEP_AUDIT=0 (1 keeps the proxies' audit logs, which run to hundreds of MB)
#        CONFIG_EXTRA='' (top-level YAML added to every proxy config, e.g. 'identity_assertion: { enabled: false }')
#        PROFILER=/path/to/libasyncProfiler.so (optional, as bench/load.sh: each point is profiled
#        through jcmd into <curve>-<x>.collapsed, its hottest frames into <curve>-<x>.top; do not
#        quote a profiled run's numbers)
# Output: bench/scale/results/<stamp>/{results.tsv,report.md,report.html,report.png} + raw wrk output.
# Defaults take about 5 minutes, plus about 2 minutes the first time to mint 113,000 tokens.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-5}"; WARMUP="${WARMUP:-10}"; CONNS="${CONNS:-32}"; THREADS="${THREADS:-1}"
CURVES="${CURVES:-a b c d e}"; ROUTES="${ROUTES:-10 100 1000 10000}"; GROUP_COUNTS="${GROUP_COUNTS:-1 10 50 100}"
DISTINCT="${DISTINCT:-1 1000 10000 100000}"; CONCURRENCY="${CONCURRENCY:-1 16 64 256 1024}"
BASE_ROUTES="${BASE_ROUTES:-10}"; SPLIT_ROUTES="${SPLIT_ROUTES:-2500}"
PROXY_JAVA_OPTS="${PROXY_JAVA_OPTS:--Xms64m -Xmx128m -XX:+UseSerialGC}"
TOKEN_DIR="${TOKEN_DIR:-/tmp/portcullis-scale-tokens}"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results/$STAMP"; mkdir -p "$OUT"
UP_PORT=18201; IDP_PORT=18202; JWKS_PORT=18203; PROXY_PORT=18280; ADMIN_PORT=18290
HZ="$(getconf CLK_TCK)"
has() { case " $CURVES " in *" $1 "*) return 0;; *) return 1;; esac; }
T_START=$(date +%s)

source "$HERE/../lib.sh"
if ! need wrk || ! need nginx || ! need curl; then
  log "installing wrk, nginx, curl"; apt-get update -qq >/dev/null; apt-get install -y -qq wrk nginx-light curl >/dev/null
fi
if [ -z "${JAR:-}" ]; then
  JAR=/tmp/build-scale/portcullis.jar
  if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
    log "building $JAR from the working tree"
    if ! (cd "$ROOT" && timeout 900 mvn -q -B -o -DskipTests -Dbuild.dir=/tmp/build-scale package); then
      [ -f "$ROOT/target/portcullis.jar" ] || { log "build failed and there is no target/portcullis.jar"; exit 1; }
      JAR="$ROOT/target/portcullis.jar"; log "build failed: using $JAR"
    fi
  fi
fi
log "proxy jar: $JAR ($(date -r "$JAR" '+%F %T'))"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true


# --- tokens minted here, and their JWKS
SELF_ISSUER="http://127.0.0.1:$JWKS_PORT/bench"
SPECS=()
for g in $(printf '%s\n' $GROUP_COUNTS $(has e && echo 5 100) | sort -un); do SPECS+=("groups-$g:1:$g"); done
SPECS+=("distinct-warm:2000:5")
for n in $DISTINCT; do SPECS+=("distinct-$n:$n:5"); done
log "tokens: minting what $TOKEN_DIR lacks (RS256; about 1 ms of CPU each)"
timeout 1800 nice -n 10 java -cp "$JAR" "$HERE/MintTokens.java" "$TOKEN_DIR" "$SELF_ISSUER" api://default 168 "${SPECS[@]}"

# --- nginx: the upstream (one worker, return 200) and the static JWKS of the minted tokens
cat >"$OUT/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $OUT/nginx.pid; error_log $OUT/nginx-error.log warn;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$UP_PORT; location / { default_type application/json; return 200 '{"service":"orders","ok":true,"note":"benchmark upstream response body"}'; } }
  server { listen 127.0.0.1:$JWKS_PORT; location = /bench/keys { default_type application/json; alias $TOKEN_DIR/jwks.json; } }
}
NGX
start nginx nginx -c "$OUT/nginx.conf" -p "$OUT"
wait_http "http://127.0.0.1:$UP_PORT/"
wait_http "http://127.0.0.1:$JWKS_PORT/bench/keys"

# --- the project's dev issuer, tokens valid for 2 hours
start issuer java -Xmx64m -jar "$JAR" dev-issuer --port "$IDP_PORT" --token-lifetime 2h
DEV_ISSUER="http://127.0.0.1:$IDP_PORT/oauth2/default"
wait_http "$DEV_ISSUER/v1/keys"
DEV_TOKEN="$(curl -s "$DEV_ISSUER/v1/dev/token?user=alice")"

# --- proxy configs: N generated routes in three shapes (as bench/jmh's Fixtures), deny + 2 allows each
target_route() { local mid=$(($1 / 2)); echo $((mid - mid % 3)); }
target_path() { echo "/api/svc$(target_route "$1")/v1/orders/12345"; }
routes_yaml() { # first count — the routes r<first> … r<first+count-1>
  awk -v first="$1" -v n="$2" -v up="http://127.0.0.1:$UP_PORT" 'BEGIN {
    for (i = first; i < first + n; i++) {
      m = i % 3
      if (m == 0) p = "/api/svc" i "/**"; else if (m == 1) p = "/api/svc" i "/v1/*/items"; else p = "/api/svc" i "/health"
      print "  - id: r" i
      print "    match: { path: \"" p "\" }"
      print "    upstream: " up
      print "    deny: [ { groups_any: [suspended] } ]"
      print "    allow:"
      print "      - { methods: [GET, HEAD], groups_any: [team" i "-readers, team" i "-admins, orders-readers] }"
      print "      - { methods: [POST, PUT, PATCH, DELETE], groups_any: [team" i "-admins] }"
    } }'
}
# One YAML document may hold at most 3 MiB (SnakeYAML's code point limit, about 10,000 routes of
# this shape), so above SPLIT_ROUTES the routes go to include files of SPLIT_ROUTES routes each.
gen_config() { # routes cache_size file
  local n="$1" file="$3"
  {
  cat <<YAML
listen: 127.0.0.1:$PROXY_PORT
admin: { listen: 127.0.0.1:$ADMIN_PORT }
server: { token_cache_size: $2, max_connections: 20000 }
${CONFIG_EXTRA:-}
issuers:
  - { id: dev, issuer: $DEV_ISSUER, audiences: [api://default], max_token_lifetime: 3h }
  - { id: bench, issuer: $SELF_ISSUER, audiences: [api://default], jwks_uri: "http://127.0.0.1:$JWKS_PORT/bench/keys" }
YAML
  if [ "$n" -le "$SPLIT_ROUTES" ]; then
    echo "routes:"; routes_yaml 0 "$n"
  else
    local dir="${file%.yaml}.routes.d" first=0 part=0
    mkdir -p "$dir"; echo "include: $(basename "$dir")"
    while [ "$first" -lt "$n" ]; do
      local count=$(( n - first < SPLIT_ROUTES ? n - first : SPLIT_ROUTES ))
      { echo "routes:"; routes_yaml "$first" "$count"; } >"$dir/$(printf '%03d' "$part").yaml"
      first=$((first + count)); part=$((part + 1))
    done
  fi
  } >"$file"
}

PROXY_PID=""; READY_S=""
start_proxy() { # name routes cache_size
  [ -n "$PROXY_PID" ] && stop "$PROXY_PID"
  gen_config "$2" "$3" "$OUT/$1.yaml"
  if [ "$2" -gt "$SPLIT_ROUTES" ]; then
    echo "# config with $2 routes=in $(ls "$OUT/$1.routes.d" | wc -l) include files of at most $SPLIT_ROUTES routes (one YAML document is limited to 3 MiB; all $2 in one file is refused)" >>"$TSV"
  fi
  local t0; t0=$(date +%s.%N)
  start "$1" env PORTCULLIS_AUDIT_LEVEL="${AUDIT_LEVEL:-INFO}" java $PROXY_JAVA_OPTS $ATTACH -jar "$JAR" run --config "$OUT/$1.yaml"
  PROXY_PID=$LAST_PID
  for _ in $(seq 1 600); do
    curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/readyz" 2>/dev/null | grep -q 200 && break
    kill -0 "$PROXY_PID" 2>/dev/null || { log "proxy $1 exited: $(tail -3 "$OUT/$1.err")"; return 1; }
    sleep 0.1
  done
  READY_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  log "proxy $1: $2 routes, token cache $3, ready in ${READY_S}s"
}
POST=() # wrk script arguments, placed after the URL (set by the caller of warm and point)
warm() { # url [wrk options...]
  local url="$1"; shift
  timeout $((WARMUP + 60)) wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "$@" "$url" "${POST[@]}" >/dev/null 2>&1 || true
}

to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.3f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.3f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.3f", v*1000} else printf "-" }'; }
counters() { # "cache_hits cache_lookups upstream_connects" from /metrics ("-" for what it lacks)
  { curl -s --max-time 60 "http://127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null || true; } | awk '
    /^portcullis_token_cache_requests_total/ { t += $NF; if ($0 ~ /"hit"/) h += $NF; found = 1 }
    /^portcullis_upstream_connections_opened_total/ { u += $NF; ufound = 1 }
    END { printf "%s %s %s\n", found ? h : "-", found ? t : "-", ufound ? u : "-" }'
}

TSV="$OUT/results.tsv"
{
  echo "# date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# machine=$(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# load=wrk -t$THREADS -c$CONNS (except curve d) -d${DURATION}s per point, ${WARMUP}s warm-up after each proxy start; audit ${AUDIT_LEVEL:-INFO}"
  [ -z "${CONFIG_EXTRA:-}" ] || echo "# config extra=$CONFIG_EXTRA"
  echo "# proxy=$JAR (built $(date -r "$JAR" '+%F %T'); tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')), JVM $PROXY_JAVA_OPTS; default token_cache_size 50000"
  printf 'curve\tx\tlabel\tconns\trequests\trps\tp50_ms\tp99_ms\tcpu_us_req\trss_mb\tnon2xx\tsock_err\thit_rate\thit_source\tready_s\tstatus\tcpu_all_us_req\tupstream_conns_opened\n'
} >"$TSV"

# point CURVE X LABEL CONNS URL CHECK_TOKEN [wrk options...] — appends one row to results.tsv;
# READY_S (seconds the proxy took to become ready) goes into the row and is then cleared
point() {
  local curve="$1" x="$2" label="$3" conns="$4" url="$5" check="$6"; shift 6
  local name="$curve-$x" status="ok" hit="-" hsrc="-"
  local got; got="$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -H "Authorization: Bearer $check" "$url" || true)"
  [ "$got" = 200 ] || status="INVALID (pre-check $got)"
  # (not for curve a: with 10,000 routes one scrape of /metrics is 12 MB, enough to disturb the point)
  local m0="- - -" m1="- - -" h0 t0 u0 h1 t1 u1
  [ "$curve" = a ] || m0=$(counters)
  local c0; c0=$(cpu_ticks "$PROXY_PID"); local j0; j0=$(cpu_ticks_nojit "$PROXY_PID")
  profile_start "$PROXY_PID"
  timeout $((DURATION + 60)) wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --latency "$@" "$url" "${POST[@]}" >"$OUT/$name.wrk" 2>&1 || true
  local c1; c1=$(cpu_ticks "$PROXY_PID"); local j1; j1=$(cpu_ticks_nojit "$PROXY_PID")
  profile_stop "$PROXY_PID" "$name"
  [ "$curve" = a ] || m1=$(counters)
  read -r h0 t0 u0 <<<"$m0"; read -r h1 t1 u1 <<<"$m1"
  local ups="-"; [ "$u0" != "-" ] && [ "$u1" != "-" ] && ups=$((u1 - u0))
  local rss; rss=$(rss_kb "$PROXY_PID")
  local reqs; reqs=$(awk '/requests in/{print $1}' "$OUT/$name.wrk"); reqs=${reqs:-0}
  local non2xx; non2xx=$(awk '/Non-2xx or 3xx/{print $NF}' "$OUT/$name.wrk"); non2xx=${non2xx:-0}
  local errs; errs=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' "$OUT/$name.wrk"); errs=${errs:-0}
  local rps; rps=$(awk '/Requests\/sec/{printf "%.0f",$2}' "$OUT/$name.wrk"); rps=${rps:--}
  local p50; p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$OUT/$name.wrk")")
  local p99; p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$OUT/$name.wrk")")
  local cpuall; cpuall=$(echo "$c0 $c1" | awk -v hz="$HZ" -v n="$reqs" '{ if (n > 0) printf "%.0f", ($3+$4-$1-$2)/hz*1e6/n; else print "-" }')
  local cpu; cpu=$(awk -v a="$j0" -v b="$j1" -v hz="$HZ" -v n="$reqs" 'BEGIN{ if (n > 0) printf "%.0f", (b-a)/hz*1e6/n; else print "-" }')
  if [ "$status" = ok ]; then
    if [ "$reqs" = 0 ]; then status="INVALID (no requests)"
    elif [ "$non2xx" != 0 ]; then status="INVALID ($non2xx non-2xx)"
    elif [ "$errs" != 0 ]; then status="INVALID ($errs socket errors)"; fi
  fi
  if [ "$curve" = c-ref ]; then hit="n/a"; hsrc="cache off"
  elif [ "$curve" = c ]; then
    if [ "$t0" != "-" ] && [ "$t1" != "-" ]; then
      hit=$(awk -v h0="$h0" -v t0="$t0" -v h1="$h1" -v t1="$t1" 'BEGIN{ if (t1>t0) printf "%.3f", (h1-h0)/(t1-t0); else print "-" }')
      hsrc="metrics"
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$curve" "$x" "$label" "$conns" "$reqs" \
    "$rps" "$p50" "$p99" "$cpu" "$(awk -v k="$rss" 'BEGIN{printf "%.0f", k/1024}')" "$non2xx" "$errs" "$hit" "$hsrc" \
    "${READY_S:--}" "$status" "$cpuall" "$ups" >>"$TSV"
  READY_S=""
  log "$curve $label: $rps rps, p50 ${p50}ms, p99 ${p99}ms, ${cpu} µs CPU/req (${cpuall} with JIT), $ups upstream connects, status $status"
}

BASE_URL="http://127.0.0.1:$PROXY_PORT$(target_path "$BASE_ROUTES")"
LUA="$HERE/../report.lua"   # with a token file and a seed: a token picked at random per request

# One proxy with the base config serves (a)'s first point, (b), (d) and (c), in that order: (c)
# fills the token cache, so it runs last on this proxy.
start_proxy base "$BASE_ROUTES" 50000
BASE_READY="$READY_S"; READY_S=""
log "warm-up: ${WARMUP}s"
warm "$BASE_URL" -H "Authorization: Bearer $DEV_TOKEN"
metrics_size() {
  local t0; t0=$(date +%s.%N)
  local bytes; bytes=$({ curl -s --max-time 60 "http://127.0.0.1:$ADMIN_PORT/metrics" || true; } | wc -c)
  echo "# /metrics with $1 routes=$bytes bytes in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s" >>"$TSV"
}

if has a && [[ " $ROUTES " == *" $BASE_ROUTES "* ]]; then
  READY_S="$BASE_READY"
  point a "$BASE_ROUTES" "$BASE_ROUTES" "$CONNS" "$BASE_URL" "$DEV_TOKEN" -H "Authorization: Bearer $DEV_TOKEN"
  metrics_size "$BASE_ROUTES"
fi
if has b; then
  for g in $GROUP_COUNTS; do
    tok="$(head -1 "$TOKEN_DIR/groups-$g.tokens")"
    timeout 20 wrk -t1 -c"$CONNS" -d1s -H "Authorization: Bearer $tok" "$BASE_URL" >/dev/null 2>&1 || true
    point b "$g" "$g" "$CONNS" "$BASE_URL" "$tok" -H "Authorization: Bearer $tok"
  done
fi
if has d; then
  for c in $CONCURRENCY; do
    point d "$c" "$c" "$c" "$BASE_URL" "$DEV_TOKEN" -H "Authorization: Bearer $DEV_TOKEN"
  done
fi
if has c; then
  # The miss path (signature check) warms up on tokens no measured point uses.
  log "warm-up of the token-verification path: ${WARMUP}s over 2,000 other tokens"
  POST=(-- "$TOKEN_DIR/distinct-warm.tokens" 7)
  warm "$BASE_URL" -s "$LUA"
  for n in $DISTINCT; do
    POST=(-- "$TOKEN_DIR/distinct-$n.tokens" 1)
    point c "$n" "$n" "$CONNS" "$BASE_URL" "$(head -1 "$TOKEN_DIR/distinct-$n.tokens")" -s "$LUA"
  done
  # Reference: the token cache off, one token, so every request verifies its signature.
  start_proxy nocache "$BASE_ROUTES" 0
  one="$(head -1 "$TOKEN_DIR/distinct-1.tokens")"
  POST=(-- "$TOKEN_DIR/distinct-1.tokens" 1)
  warm "$BASE_URL" -s "$LUA"
  point c-ref 1 "1 (cache off)" "$CONNS" "$BASE_URL" "$one" -s "$LUA"
  POST=()
fi
if has a; then
  for n in $ROUTES; do
    [ "$n" = "$BASE_ROUTES" ] && continue
    start_proxy "routes-$n" "$n" 50000 || { printf 'a\t%s\t%s\t%s\t0\t-\t-\t-\t-\t-\t0\t0\t-\t-\t-\tINVALID (proxy did not start)\t-\t-\n' "$n" "$n" "$CONNS" >>"$TSV"; continue; }
    url="http://127.0.0.1:$PROXY_PORT$(target_path "$n")"
    ready="$READY_S"; READY_S=""
    warm "$url" -H "Authorization: Bearer $DEV_TOKEN"
    READY_S="$ready"
    point a "$n" "$n" "$CONNS" "$url" "$DEV_TOKEN" -H "Authorization: Bearer $DEV_TOKEN"
    metrics_size "$n"
  done
fi
if has e; then
  # The issue's scale target side by side: 10 routes and a 5-group token, then 10,000 routes and a
  # 100-group token (Okta's most in a token), each on a proxy of its own, same warm-up.
  for spec in "10:5" "10000:100"; do
    n="${spec%%:*}"; g="${spec##*:}"
    start_proxy "e-$n" "$n" 50000 || { printf 'e\t%s\t%s\t%s\t0\t-\t-\t-\t-\t-\t0\t0\t-\t-\t-\tINVALID (proxy did not start)\t-\t-\n' "$n" "$n routes, $g groups" "$CONNS" >>"$TSV"; continue; }
    url="http://127.0.0.1:$PROXY_PORT$(target_path "$n")"
    tok="$(head -1 "$TOKEN_DIR/groups-$g.tokens")"
    READY_S=""
    warm "$url" -H "Authorization: Bearer $tok"
    point e "$n" "$n routes, $g groups" "$CONNS" "$url" "$tok" -H "Authorization: Bearer $tok"
  done
fi
stop "$PROXY_PID"; PROXY_PID=""

# Hit rate of (c) where /metrics has no cache counter: (1) a model — uniform picks from N tokens,
# R requests, no eviction: distinct = N(1-(1-1/N)^R), hit = 1 - distinct/R — and (2) timing:
# where the proxy's CPU µs/request falls between all-hit (N = 1) and all-miss (cache off).
if has c; then
  awk -F'\t' -v OFS='\t' '
    NR == FNR { if ($1 == "c" && $2 == 1) hitcpu = $9; if ($1 == "c-ref") misscpu = $9; next }
    /^#/ || $1 == "curve" { print; next }
    $1 == "c" && $14 == "-" {
      N = $2; R = $5
      model = (R > 0) ? 1 - N * (1 - exp(R * log(1 - 1 / (N + 1e-12)))) / R : 0
      if (N == 1) model = (R > 0) ? 1 - 1 / R : 0
      if (model < 0) model = 0
      timing = "-"
      if (misscpu != "" && hitcpu != "" && misscpu + 0 > hitcpu + 0 && $9 != "-") {
        t = (misscpu - $9) / (misscpu - hitcpu); if (t < 0) t = 0; if (t > 1) t = 1; timing = sprintf("%.2f", t)
      }
      $13 = sprintf("%.3f", model) " (timing " timing ")"; $14 = "model; CPU timing"
    }
    { print }' "$TSV" "$TSV" >"$TSV.tmp" && mv "$TSV.tmp" "$TSV"
fi
echo "# duration=$(( $(date +%s) - T_START )) s; load average at end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$TSV"
# The proxies' audit logs (one JSON line per request) run to hundreds of MB: keep their line counts.
if [ "${KEEP_AUDIT:-0}" != 1 ]; then
  for f in "$OUT"/*.out; do
    [ "$(stat -c %s "$f")" -gt 1048576 ] || continue
    echo "$(wc -l <"$f") audit lines (removed; KEEP_AUDIT=1 keeps them)" >"$f.lines"; rm -f "$f"
  done
fi

java "$HERE/Report.java" "$OUT"
if ! need gnuplot; then apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 || true; fi
if need gnuplot; then (cd "$OUT" && timeout 60 gnuplot charts.gp) || log "gnuplot failed; report.html has the charts"; fi
cat "$OUT/report.md"
log "results: $OUT (results.tsv, report.md, report.html$( [ -f "$OUT/report.png" ] && echo ', report.png'), raw wrk output)"
