# lib.sh — helpers shared by bench/load.sh, bench/scale/scale.sh and bench/startup.sh (sourced).
# The caller sets OUT (where process output goes) and may set SUT (a command prefix for the
# processes under test, e.g. "taskset -c 0") and PROFILER (async-profiler's agent library).

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1; }

# --- processes: each started in a group of its own, all stopped when the script exits
PIDS=()
LAST_PID=""
cleanup() { for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { # name cmd... ; sets LAST_PID (never call inside $(...): the bookkeeping would be lost)
  local name="$1"; shift
  setsid ${SUT:-} "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null & LAST_PID=$!; PIDS+=("$LAST_PID")
}
stop() { # pid: TERM the group, wait up to 5 s, then KILL
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}
wait_http() { for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.2; done; log "timeout waiting for $1"; return 1; }

# --- CPU ticks and RSS (KiB) summed over a process group (nginx master + workers, all JVM threads)
# (processes come and go while /proc is read: a vanished file is skipped, never fatal)
cpu_ticks() { # pgid → "user system" ticks
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$1" '{s=$0; sub(/^.*\) /,"",s); split(s,f," "); if (f[3]==pg) {u+=f[12]; k+=f[13]}} END{print u+0, k+0}'; }
cpu_ticks_nojit() { # pid of a JVM → its threads' ticks, the JIT compiler threads left out (their
  # work is warm-up, not the cost of a request; GC threads stay in)
  { cat /proc/"$1"/task/[0-9]*/stat 2>/dev/null || true; } | awk '{c=$0; sub(/^[0-9]+ \(/,"",c); sub(/\) .*$/,"",c); if (c ~ /^C[12] CompilerThre/) next; s=$0; sub(/^.*\) /,"",s); split(s,f," "); t+=f[12]+f[13]} END{print t+0}'; }
rss_kb() { { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$1" -v page="$(getconf PAGESIZE)" '{s=$0; sub(/^.*\) /,"",s); split(s,f," "); if (f[3]==pg) r+=f[22]*page} END{printf "%d\n", r/1024}'; }

# --- CPU profiles with async-profiler, attached through jcmd while one measurement runs
# (a JVM started in the background ignores SIGQUIT, so jcmd needs the attach listener up from the start)
ATTACH=""; [ -n "${PROFILER:-}" ] && ATTACH="-XX:+StartAttachListener"
profile_start() { # pid
  [ -n "${PROFILER:-}" ] || return 0
  jcmd "$1" JVMTI.agent_load "$PROFILER" "\"start,event=cpu,interval=1ms\"" >/dev/null 2>&1 || log "profiler did not attach"
}
profile_stop() { # pid name → $OUT/<name>.collapsed (flame-graph input) and $OUT/<name>.top (hottest frames)
  [ -n "${PROFILER:-}" ] || return 0
  jcmd "$1" JVMTI.agent_load "$PROFILER" "\"stop,collapsed,file=$OUT/$2.collapsed\"" >/dev/null 2>&1 || true
  top_frames "$OUT/$2.collapsed" >"$OUT/$2.top" 2>/dev/null || true
}
top_frames() { # collapsed stacks → the 40 frames with the most self time, and the share of each
  awk '{n=$NF; $NF=""; k=split($0,f,";"); sub(/ $/,"",f[k]); self[f[k]]+=n; t+=n}
       END{for (s in self) printf "%5.1f%% %s\n", 100*self[s]/t, s}' "$1" | sort -rn | head -40
}
