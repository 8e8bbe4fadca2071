#!/usr/bin/env bash
# run.sh — builds bench/jmh/target/benchmarks.jar from the root's sources and runs the JMH
# micro-benchmarks with short defaults and the GC profiler (allocation per operation).
# Writes bench/jmh/results/<stamp>/{jmh.json,jmh.txt,summary.md}; prints summary.md.
#
# Knobs (environment):
#   BENCH='.'          JMH include regex, e.g. BENCH='Token|Policy'
#   FORKS=1 WI=2 I=3   forks, warm-up and measurement iterations
#   W=1s R=1s          warm-up and measurement iteration time
#   PROF=gc            JMH profiler ('' for none; e.g. PROF='gc' or PROF='stack')
#   PARAMS=''          extra parameter overrides, e.g. PARAMS='-p routes=10000 -p groups=100'
#   JMH_ARGS=''        anything else for JMH (e.g. '-t 2' or '-jvmArgs -XX:+UseParallelGC')
#   SOURCE=worktree    'HEAD' benchmarks the last commit (git archive) instead of the working tree
#   BUILD=1            0 reuses an existing target/benchmarks.jar
#   MVN_OFFLINE=0      1 passes -o to Maven
#   TIMEOUT=1800       hard limit, seconds, for the JMH run
# Longer, steadier run:  FORKS=3 WI=5 I=10 W=2s R=2s bench/jmh/run.sh   (~30 min)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BENCH="${BENCH:-.}"; FORKS="${FORKS:-1}"; WI="${WI:-2}"; I="${I:-3}"; W="${W:-1s}"; R="${R:-1s}"
PROF="${PROF-gc}"; PARAMS="${PARAMS:-}"; JMH_ARGS="${JMH_ARGS:-}"; SOURCE="${SOURCE:-worktree}"
BUILD="${BUILD:-1}"; TIMEOUT="${TIMEOUT:-1800}"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$HERE/results/$STAMP"; mkdir -p "$OUT"
JAR="$HERE/target/benchmarks.jar"
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# The pom copies the root's runtime dependencies: name any the root has gained since.
deps() { # pom → artifactIds of its non-test dependencies
  awk '/<dependencies>/{d++} /<\/dependencies>/{d--} d>0' "$1" | tr -d '\n' | sed 's|</dependency>|</dependency>\n|g' \
    | grep -v '<scope>test</scope>\|<scope>import</scope>' | sed -n 's|.*<dependency>[^<]*<groupId>[^<]*</groupId>[^<]*<artifactId>\([^<]*\)</artifactId>.*|\1|p' | sort -u
}
MISSING="$(comm -23 <(deps "$ROOT/pom.xml") <(deps "$HERE/pom.xml") | tr '\n' ' ')"
[ -z "$MISSING" ] || log "WARNING: the root pom has dependencies bench/jmh/pom.xml lacks: $MISSING— copy them (and their versions) if the build fails"

if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
  MVN=(mvn -q -B -DskipTests); [ "${MVN_OFFLINE:-0}" = 1 ] && MVN+=(-o)
  if [ "$SOURCE" = HEAD ]; then
    SRC="$(mktemp -d)"; trap 'rm -rf "$SRC"' EXIT # not under target/: the build below cleans that
    git -C "$ROOT" archive HEAD src/main | tar -x -C "$SRC"
    MVN+=("-Droot.dir=$SRC")
    log "building benchmarks.jar from HEAD ($(git -C "$ROOT" rev-parse --short HEAD))"
  else
    log "building benchmarks.jar from the working tree"
  fi
  (cd "$HERE" && timeout 900 "${MVN[@]}" clean package) # clean: the two SOURCE modes must not mix classes
fi

ARGS=("$BENCH" -f "$FORKS" -wi "$WI" -i "$I" -w "$W" -r "$R" -rf json -rff "$OUT/jmh.json")
[ -n "$PROF" ] && ARGS+=(-prof "$PROF")
# shellcheck disable=SC2206
ARGS+=($PARAMS $JMH_ARGS)
{
  echo "# source: $SOURCE $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet -- src/main || echo ' + uncommitted changes')"
  echo "# machine: $(nproc) cores, $(java -version 2>&1 | head -1); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java -jar benchmarks.jar ${ARGS[*]}"
} >"$OUT/jmh.txt"
log "running JMH (limit ${TIMEOUT}s): ${ARGS[*]}"
PORTCULLIS_LOG_LEVEL="${PORTCULLIS_LOG_LEVEL:-WARN}" timeout "$TIMEOUT" java -jar "$JAR" "${ARGS[@]}" 2>&1 | tee -a "$OUT/jmh.txt" >/dev/null
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/jmh.txt"

# summary: one row per benchmark and parameter set — score (ops/s or ms/op) and B/op
command -v jq >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq jq >/dev/null; }
{
  echo "| benchmark | params | score | ± (99.9%) | unit | alloc B/op |"
  echo "|---|---|---:|---:|---|---:|"
  jq -r '.[] | [ (.benchmark | sub("^dev\\.portcullis\\.bench\\."; "")),
                 ((.params // {}) | to_entries | map("\(.key)=\(.value)") | join(" ")),
                 (.primaryMetric.score | if . >= 100 then (. | floor | tostring) else (. * 1000 | round / 1000 | tostring) end),
                 (.primaryMetric.scoreError | if . == "NaN" or . == null then "–" elif . >= 100 then (. | floor | tostring) else (. * 1000 | round / 1000 | tostring) end),
                 .primaryMetric.scoreUnit,
                 (.secondaryMetrics["gc.alloc.rate.norm"].score // null | if . == null then "–" else (. | round | tostring) end)
               ] | "| " + join(" | ") + " |"' "$OUT/jmh.json"
} >"$OUT/summary.md"
{ echo; echo "Load average before/after: $(grep -o 'load average before: .*' "$OUT/jmh.txt" | cut -d: -f2) / $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews absolute numbers)."; } >>"$OUT/summary.md"
cat "$OUT/summary.md"
log "results: $OUT (jmh.json, jmh.txt, summary.md)"
