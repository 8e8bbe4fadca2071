#!/usr/bin/env bash
# syscalls.sh — system calls per request of the proxy process, counted rather than timed, so the
# figure holds on a busy machine: a tiny upstream (nginx, one worker, return 200), Portcullis in
# front of it, a bounded keep-alive load (wrk), and the kernel's own counters on the proxy process
# only (perf stat on the syscalls:sys_enter_* tracepoints; with io_uring also the requests the
# ring was given, by opcode, from io_uring:io_uring_submit_req). Prints one table per transport.
#
#   bench/syscalls.sh                       # epoll and io_uring, cases public and allow, ~1 minute
#   TRANSPORTS=epoll CASES=public bench/syscalls.sh
#   JAR=/tmp/other.jar bench/syscalls.sh    # another build (e.g. the previous commit) to compare
#
# Knobs: DURATION=2 (s measured)  WARMUP=5 (s)  CONNS=8  TRANSPORTS="epoll io_uring"
#        CASES="public post allow" (public: GET on a public route; post: a 200-byte POST there, head and
#        body in one client write; allow: GET with a dev-issuer token, cache hit)  JAR=target/portcullis.jar
#        PORT_BASE=19400  PROXY_JAVA_OPTS (default -Xms64m -Xmx128m -XX:+UseSerialGC, as bench/load.sh)
# Needs perf (linux-perf) with tracepoints readable (root, or perf_event_paranoid <= -1), wrk, nginx.
# PROFILER=/path/to/libasyncProfiler.so (Maven Central tools.profiler:async-profiler, unzipped) adds a
# CPU profile of each case, PROFILE_SECONDS=10 of load after the count: <transport>-<case>.collapsed,
# .top (hottest frames) and .shares (kernel, HTTP/1 codec, pipeline, Portcullis: see shares() below).
# Without perf, STRACE=1 counts with strace -f -c instead (much slower under strace: fewer requests,
# the same count per request).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-2}"; WARMUP="${WARMUP:-5}"; CONNS="${CONNS:-8}"
TRANSPORTS="${TRANSPORTS:-epoll io_uring}"; CASES="${CASES:-public post allow}"
PROXY_JAVA_OPTS="${PROXY_JAVA_OPTS:--Xms64m -Xmx128m -XX:+UseSerialGC}"
JAR="${JAR:-$ROOT/target/portcullis.jar}"; STRACE="${STRACE:-0}"; PROFILE_SECONDS="${PROFILE_SECONDS:-10}"
PORT_BASE="${PORT_BASE:-19400}"   # four loopback ports from here: upstream, issuer, proxy, admin
UP_PORT=$PORT_BASE; IDP_PORT=$((PORT_BASE + 1)); PROXY_PORT=$((PORT_BASE + 2)); ADMIN_PORT=$((PORT_BASE + 3))
for p in $UP_PORT $IDP_PORT $PROXY_PORT $ADMIN_PORT; do # another process's port would be measured instead
  if ss -ltn "sport = :$p" | grep -q LISTEN; then echo "port $p is taken: set PORT_BASE" >&2; exit 1; fi
done
OUT="$HERE/results/syscalls-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
source "$HERE/lib.sh"
need wrk && need nginx || { log "installing wrk, nginx"; apt-get install -y -qq wrk nginx-light >/dev/null; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
has() { case " $CASES " in *" $1 "*) return 0;; esac; return 1; }
SYSCALLS="read readv recvfrom write writev sendmsg sendto epoll_wait epoll_pwait epoll_pwait2 epoll_ctl io_uring_enter"

cat >"$OUT/upstream.conf" <<NGX
worker_processes 1; daemon off; pid $OUT/nginx.pid; error_log $OUT/nginx-error.log warn;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$UP_PORT; location / { default_type application/json; return 200 '{"service":"orders","ok":true}'; } } }
NGX
start upstream nginx -c "$OUT/upstream.conf" -p "$OUT"
wait_http "http://127.0.0.1:$UP_PORT/"

TOKEN=""
if has allow; then
  echo "syscalls-secret" >"$OUT/client-secret"
  start issuer java -Xmx64m -jar "$JAR" dev-issuer --port "$IDP_PORT" --token-lifetime 2h \
    --client-id bench --client-secret-file "$OUT/client-secret"
  ISSUER="http://127.0.0.1:$IDP_PORT/oauth2/default"
  wait_http "$ISSUER/v1/keys"
  TOKEN="$(curl -s "$ISSUER/v1/dev/token?user=alice")"
fi

config() { # transport
  cat <<YAML
listen: 127.0.0.1:$PROXY_PORT
admin: { listen: 127.0.0.1:$ADMIN_PORT }
server: { transport: $1, io_threads: 1 }
$(has allow && cat <<ISS
issuers:
  - { id: dev, issuer: $ISSUER, audiences: [api://default], max_token_lifetime: 3h,
      client: { client_id: bench, client_secret_file: $OUT/client-secret } }
ISS
)
routes:
  - { id: public, match: { path: /public/** }, upstream: http://127.0.0.1:$UP_PORT, public: true }
$(has allow && echo "  - { id: orders, match: { path: /orders/** }, upstream: http://127.0.0.1:$UP_PORT, allow: [ { groups_any: [orders-readers] } ] }")
YAML
}

measure() { # transport case pid url [wrk args]   (CHECK: the curl pre-check's own arguments)
  local t="$1" c="$2" pid="$3" url="$4"; shift 4
  local got; got="$(curl -s -o /dev/null -w '%{http_code}' "${CHECK[@]}" "$url")"
  [ "$got" = 200 ] || { log "$t/$c: pre-check $got, want 200"; return; }
  timeout $((WARMUP + 10)) wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
  local f="$OUT/$t-$c"
  if [ "$STRACE" = 1 ]; then
    timeout $((DURATION + 20)) strace -f -c -o "$f.counts" -e trace=${SYSCALLS// /,} -p "$pid" 2>"$f.strace-log" &
    local tracer=$!; sleep 1
    timeout $((DURATION + 10)) wrk -t1 -c"$CONNS" -d"${DURATION}s" "$@" "$url" >"$f.wrk" 2>&1 || true
    kill -INT "$tracer" 2>/dev/null; wait "$tracer" 2>/dev/null || true
  else
    local ev="" s; for s in $SYSCALLS; do ev="$ev,syscalls:sys_enter_$s"; done
    ev="raw_syscalls:sys_enter$ev"
    if [ "$t" = io_uring ]; then ev="$ev,io_uring:io_uring_submit_req"; fi
    timeout $((DURATION + 20)) perf stat -x, -o "$f.counts" -e "$ev" -p "$pid" -- \
      timeout $((DURATION + 10)) wrk -t1 -c"$CONNS" -d"${DURATION}s" "$@" "$url" >"$f.wrk" 2>&1 || true
    if [ "$t" = io_uring ]; then # which operations the ring was given, by opcode
      timeout $((DURATION + 30)) perf record -q -e io_uring:io_uring_submit_req -p "$pid" -o "$f.perf" -- \
        timeout $((DURATION + 10)) wrk -t1 -c"$CONNS" -d"${DURATION}s" "$@" "$url" >"$f.wrk2" 2>&1 || true
      perf script -i "$f.perf" 2>/dev/null | sed -n 's/.*opcode \([A-Z_]*\).*/\1/p' | sort | uniq -c >"$f.ops" || true
    fi
  fi
  if [ -n "${PROFILER:-}" ]; then
    profile_start "$pid"
    timeout $((PROFILE_SECONDS + 10)) wrk -t1 -c"$CONNS" -d"${PROFILE_SECONDS}s" "$@" "$url" >"$f.wrk3" 2>&1 || true
    profile_stop "$pid" "$t-$c"; shares "$OUT/$t-$c.collapsed" >"$OUT/$t-$c.shares"
  fi
  local n; n="$(awk '/requests in/ {print $1}' "$f.wrk")"
  local bad; bad="$(awk '/Non-2xx/ {print $NF}' "$f.wrk")"
  [ -z "$bad" ] || log "$t/$c: $bad non-2xx answers"
  printf '\n### %s, %s: %s requests (%s connections, %s s)\n\n| syscall | count | per request |\n|---|---|---|\n' "$t" "$c" "$n" "$CONNS" "$DURATION"
  if [ "$STRACE" = 1 ]; then
    awk -v n="$n" '$NF ~ /^[a-z_0-9]+$/ && $0 !~ /syscall|total/ {c=($5 ~ /^[0-9]+$/ && NF==6) ? $5 : $4; printf "| %s | %d | %.2f |\n", $NF, c, c/n}' "$f.counts"
  else
    awk -F, -v n="$n" '$1 ~ /^[0-9]+$/ && $1 > 0 {e=$3; sub(/^syscalls:sys_enter_/,"",e); sub(/^raw_syscalls:sys_enter/,"all syscalls",e); printf "| %s | %d | %.2f |\n", e, $1, $1/n}' "$f.counts"
  fi
  if [ -s "$f.ops" ]; then
    local n2; n2="$(awk '/requests in/ {print $1}' "$f.wrk2")"
    printf '\nio_uring requests by opcode (%s requests, a second run):\n\n| opcode | per request |\n|---|---|\n' "$n2"
    awk -v n="$n2" '{printf "| %s | %.2f |\n", $2, $1/n}' "$f.ops"
  fi
}

# Shares of CPU samples, the JIT compiler's left out (warm-up, not a request's cost): of the whole
# process, and of the event loop's own (stacks under Netty's FastThreadLocalRunnable). Per line:
# self time in the kernel; inclusive time (a stack counts once per line it matches) in the HTTP/1
# decoders and encoders of each side, the request head's rewrite, the audit's event-loop part (ExchangeAudit)
# and its writer thread (AuditLog.drain); self time in Netty's and in Portcullis's own frames.
shares() { # collapsed stacks
  awk 'function add(name, n) { all[name]+=n; if (loop_) inloop[name]+=n }
    /CompileBroker/ {next}
    {n=$NF; s=$0; k=split(s,f,";"); leaf=f[k]; sub(/ [0-9]+$/,"",leaf); loop_ = (s ~ /FastThreadLocalRunnable/)
    t+=n; if (loop_) lt+=n
    if (leaf ~ /_\[k\]$/) add("kernel (self)", n)
    if (s ~ /StrictRequestDecoder\.decode/) add("HTTP/1 decoding of request heads, client side (inclusive)", n)
    if (s ~ /HttpClientCodec\$Decoder\.decode/) add("HTTP/1 decoding of responses, upstream side (inclusive)", n)
    if (s ~ /HttpClientCodec\$Encoder\.encode/) add("HTTP/1 encoding of requests sent upstream (inclusive)", n)
    if (s ~ /HttpObjectEncoder\.write/ && s !~ /HttpClientCodec\$Encoder/) add("HTTP/1 encoding of responses to the client (inclusive)", n)
    if (s ~ /UpstreamRequestHead\.rewrite/) add("request head rewrite, UpstreamRequestHead (inclusive)", n)
    if (s ~ /ExchangeAudit/) add("audit, event-loop part: ExchangeAudit (inclusive)", n)
    if (s ~ /AuditLog\.drain/) add("audit, writer thread: AuditLog.drain (inclusive)", n)
    if (leaf ~ /^io\/netty/) add("Netty frames (self)", n)
    if (leaf ~ /^dev\/portcullis/) add("Portcullis frames (self)", n) }
    END { if (t == 0) exit; printf "| share | of the process (%d samples) | of the event loop (%d) |\n|---|---|---|\n", t, lt
      for (k in all) printf "| %s | %.1f%% | %.1f%% |\n", k, 100*all[k]/t, lt ? 100*inloop[k]/lt : 0 }' "$1" |
    { IFS= read -r a || return 0; IFS= read -r b; printf '%s\n%s\n' "$a" "$b"; sort; }
}

printf 'wrk.method = "POST"\nwrk.body = string.rep("x", 200)\nwrk.headers["Content-Type"] = "application/octet-stream"\n' >"$OUT/post.lua"
for t in $TRANSPORTS; do
  config "$t" >"$OUT/portcullis-$t.yaml"
  start "proxy-$t" java $PROXY_JAVA_OPTS $ATTACH -jar "$JAR" run --config "$OUT/portcullis-$t.yaml"; pid=$LAST_PID
  for _ in $(seq 1 150); do curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/readyz" | grep -q 200 && break; sleep 0.2; done
  grep -io "transport[^,]*" "$OUT/proxy-$t.out" | head -1 >&2 || true
  CHECK=()
  if has public; then measure "$t" public "$pid" "http://127.0.0.1:$PROXY_PORT/public/x"; fi
  CHECK=(--data-binary xxxx); if has post; then measure "$t" post "$pid" "http://127.0.0.1:$PROXY_PORT/public/x" -s "$OUT/post.lua"; fi
  CHECK=(-H "Authorization: Bearer $TOKEN"); if has allow; then measure "$t" allow "$pid" "http://127.0.0.1:$PROXY_PORT/orders/x" -H "Authorization: Bearer $TOKEN"; fi
  stop "$pid"
done 2>&1 | tee "$OUT/report.md"
