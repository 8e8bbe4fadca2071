#!/usr/bin/env bash
# Starts Portcullis as the `project` peer of ../shared/bench/run-peers.sh, from its BENCH_* variables.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$ROOT/target/portcullis.jar" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
CONF="$(mktemp -t portcullis-peer-XXXX.yaml)"
cat >"$CONF" <<YAML
listen: 127.0.0.1:${BENCH_PORT:-18080}
admin: { listen: 127.0.0.1:${PROJECT_ADMIN_PORT:-18090} }
issuers:
  - id: bench
    issuer: ${BENCH_ISSUER}
    audiences: [${BENCH_AUDIENCE}]
    jwks_uri: ${BENCH_JWKS_URI}
routes:
  - id: orders
    match: { path: /orders/** }
    upstream: ${BENCH_UPSTREAM}
    allow: [ { groups_any: [${BENCH_REQUIRED_GROUP}] } ]
  - id: rest
    match: { path: /** }
    upstream: ${BENCH_UPSTREAM}
    public: true
YAML
exec java ${PROXY_JAVA_OPTS:--Xms64m -Xmx128m -XX:+UseSerialGC} -jar "$ROOT/target/portcullis.jar" run --config "$CONF"
