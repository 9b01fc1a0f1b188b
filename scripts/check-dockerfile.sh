#!/usr/bin/env bash
# Checks the Dockerfile without a Docker engine: runs its stages' commands (apt-get aside) in a
# scratch copy of HEAD, assembles the runtime stage from its COPY --from lines, starts its CMD with a
# production environment, waits for its HEALTHCHECK to pass, sends SIGTERM and expects exit 0.
# Then validates docker-compose.yml (docker compose config when the plugin exists, else a YAML check)
# and the Kubernetes example in deploy/kubernetes (its structure).
# Usage: scripts/check-dockerfile.sh   (KEEP_SCRATCH=1 keeps the temp dir; NPM_CI_SUBSTITUTE='npm install'
# replaces npm ci for diagnosis only)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/check-dockerfile.XXXXXX")"
APP="$SCRATCH/app"        # /app of the deps, build and prod-deps stages (they share one tree here)
RUNTIME="$SCRATCH/runtime" # /app of the runtime stage
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  if [ "${KEEP_SCRATCH:-}" != 1 ]; then rm -rf "$SCRATCH"; else echo "scratch kept: $SCRATCH"; fi
}
trap cleanup EXIT
step() { printf '\n=== %s ===\n' "$*"; }
fail() { echo "check-dockerfile: $*" >&2; exit 1; }

step "scratch copy of HEAD"
mkdir -p "$APP" "$RUNTIME"
git archive HEAD | tar -x -C "$APP"
echo "$APP"
# Everything below reads the committed files (what CI and a docker build would see).
cd "$APP"

step "static checks"
grep -Eq '^FROM .* AS deps$' Dockerfile || fail "no deps stage"
grep -Eq '^FROM .* AS build$' Dockerfile || fail "no build stage"
grep -Eq '^FROM .* AS runtime$' Dockerfile || fail "no runtime stage"
grep -Eq '^RUN npm ci( |$)' Dockerfile || fail "dependencies are not installed with npm ci"
grep -Eq '^USER node$' Dockerfile || fail "the runtime does not run as USER node"
grep -Eq '^EXPOSE 8080$' Dockerfile || fail "EXPOSE 8080 missing"
grep -Eq '^HEALTHCHECK .*CMD \[' Dockerfile || fail "HEALTHCHECK (exec form) missing"
grep -Eq '^CMD \[' Dockerfile || fail "CMD (exec form) missing"
node -e 'const m=/^FROM\s+\S*?node:(\d+)/m.exec(require("fs").readFileSync("Dockerfile","utf8").replace(/\$\{NODE_IMAGE\}/g,(/^ARG NODE_IMAGE=(\S+)/m.exec(require("fs").readFileSync("Dockerfile","utf8"))||[])[1]));const want=process.versions.node.split(".")[0];if(!m||m[1]!==want){console.error("base image major "+(m&&m[1])+" != project Node "+want);process.exit(1)}'
for f in .dockerignore docker-compose.yml deploy/nginx.conf deploy/kubernetes/chat-server.yaml; do [ -f "$f" ] || fail "$f missing"; done
grep -Eq '^node_modules$' .dockerignore || fail ".dockerignore must exclude node_modules"
echo "ok"

# Stage -> its instructions, with line continuations joined.
stage_lines() {
  awk -v stage="$1" '
    { line = $0; while (line ~ /\\$/ && (getline next_line) > 0) { sub(/\\$/, "", line); line = line " " next_line } }
    line ~ /^FROM / { current = (line ~ (" AS " stage "$")) ? 1 : 0; next }
    current && line !~ /^[[:space:]]*(#|$)/ { print line }
  ' Dockerfile
}

run_stage() {
  local stage=$1
  while IFS= read -r line; do
    case "$line" in
      RUN\ *)
        local cmd="${line#RUN }"
        if [[ "$cmd" == apt-get* ]]; then echo "skip (system packages, present here): $cmd"; continue; fi
        if [ -n "${NPM_CI_SUBSTITUTE:-}" ] && [[ "$cmd" == "npm ci"* ]]; then
          # Diagnosis only (e.g. while package-lock.json is out of sync): the check then proves less.
          cmd="$NPM_CI_SUBSTITUTE${cmd#npm ci}"
          echo "WARNING: NPM_CI_SUBSTITUTE replaces npm ci: $cmd"
        fi
        echo "+ [$stage] $cmd"
        (cd "$APP" && bash -c "$cmd") || fail "stage $stage: '$cmd' failed"
        ;;
    esac
  done < <(stage_lines "$stage")
}

step "deps stage"
run_stage deps
step "build stage"
run_stage build
step "prod-deps stage"
run_stage prod-deps
[ -d "$APP/node_modules/@nestjs/core" ] || fail "production dependencies lack @nestjs/core"
[ ! -d "$APP/node_modules/@nestjs/cli" ] || fail "dev dependency @nestjs/cli survived the prune"

step "runtime stage (assembled from its COPY lines)"
while IFS= read -r line; do
  case "$line" in
    COPY\ *)
      read -r -a parts <<<"${line#COPY }"
      srcs=()
      for p in "${parts[@]}"; do [[ "$p" == --* ]] || srcs+=("$p"); done
      dest="${srcs[-1]}"
      unset 'srcs[-1]'
      for src in "${srcs[@]}"; do
        src="${src#/app/}"
        [ -e "$APP/$src" ] || fail "runtime COPY source $src does not exist"
        target="$RUNTIME/${dest#./}"
        if [ -d "$APP/$src" ]; then mkdir -p "$target" && cp -a "$APP/$src/." "$target/"; else mkdir -p "$(dirname "$target")" && cp -a "$APP/$src" "$target"; fi
      done
      ;;
  esac
done < <(stage_lines runtime)
du -sh "$RUNTIME" | sed 's/^/runtime size: /'

CMD_JSON="$(stage_lines runtime | sed -n 's/^CMD //p' | tail -1)"
HEALTH_JSON="$(stage_lines runtime | sed -n 's/^HEALTHCHECK .*CMD //p' | tail -1)"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

step "start the runtime CMD: $CMD_JSON"
mkdir -p "$SCRATCH/data"
(
  cd "$RUNTIME"
  export NODE_ENV=production PORT="$PORT" HOST=127.0.0.1 DATA_DIR="$SCRATCH/data" \
    DATABASE_URL="sqlite:$SCRATCH/data/chat.sqlite" JWT_SECRET="check-dockerfile-secret-0123456789abcdefghij" \
    ADMIN_USERNAME=admin ADMIN_PASSWORD=check-admin-password TRUST_PROXY=true LOG_LEVEL=warn SHUTDOWN_TIMEOUT_MS=10000
  mapfile -t argv < <(node -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$CMD_JSON")
  exec "${argv[@]}"
) >"$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!

mapfile -t health < <(node -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$HEALTH_JSON")
healthy=""
for _ in $(seq 1 120); do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SCRATCH/server.log"; fail "the server exited during startup"; }
  if PORT="$PORT" "${health[@]}"; then healthy=1; break; fi
  sleep 0.5
done
[ -n "$healthy" ] || { cat "$SCRATCH/server.log"; fail "HEALTHCHECK never passed"; }
echo "HEALTHCHECK passed on port $PORT"
code=$(node -e 'fetch(process.argv[1]).then(r=>console.log(r.status),()=>console.log(0))' "http://127.0.0.1:$PORT/health/ready")
[ "$code" = 200 ] || { cat "$SCRATCH/server.log"; fail "/health/ready answered $code"; }
echo "/health/ready: 200 (migrations ran at startup)"

step "SIGTERM"
kill -TERM "$SERVER_PID"
set +e
wait "$SERVER_PID"
status=$?
set -e
SERVER_PID=""
[ "$status" = 0 ] || { cat "$SCRATCH/server.log"; fail "exit status $status after SIGTERM (want 0)"; }
echo "exited 0"

step "docker-compose.yml"
if docker compose version >/dev/null 2>&1; then
  JWT_SECRET=x ADMIN_PASSWORD=x docker compose -f docker-compose.yml config -q
  echo "docker compose config: ok"
else
  echo "docker compose plugin missing: skipping 'docker compose config -q'; checking the YAML instead"
  # js-yaml (a dependency of @nestjs/swagger) from the checkout's node_modules.
  NODE_PATH="$ROOT/node_modules" node -e '
    const yaml = require("js-yaml");
    // YAML merge keys (<<: *anchor), as docker compose resolves them; js-yaml 5 leaves them as keys.
    const merged = (v) => {
      if (Array.isArray(v)) return v.map(merged);
      if (!v || typeof v !== "object") return v;
      const out = {};
      for (const base of [].concat(v["<<"] ?? [])) Object.assign(out, merged(base));
      for (const [k, x] of Object.entries(v)) if (k !== "<<") out[k] = merged(x);
      return out;
    };
    const doc = merged(yaml.load(require("fs").readFileSync("docker-compose.yml", "utf8")));
    const s = doc.services || {};
    const need = (c, m) => { if (!c) { console.error("docker-compose.yml: " + m); process.exit(1); } };
    for (const n of ["mysql", "redis", "app1", "app2", "nginx"]) need(s[n], "service " + n + " missing");
    for (const n of ["mysql", "redis"]) need(s[n].healthcheck, n + " has no healthcheck");
    for (const n of ["app1", "app2"]) {
      const env = s[n].environment || {};
      for (const k of ["DATABASE_URL", "REDIS_URL", "JWT_SECRET", "ADMIN_USERNAME", "ADMIN_PASSWORD", "TRUST_PROXY"]) need(k in env, n + " lacks " + k);
      need(s[n].depends_on?.mysql?.condition === "service_healthy", n + " must wait for a healthy mysql");
      need(s[n].depends_on?.redis?.condition === "service_healthy", n + " must wait for a healthy redis");
    }
    need(s.nginx.depends_on?.app1?.condition === "service_healthy", "nginx must wait for healthy apps");
    console.log("docker-compose.yml: structure ok");
  ' || fail "docker-compose.yml check failed"
fi
step "deploy/kubernetes"
# Structural, like the compose check: the manifests parse, reference each other consistently, and
# keep the operational promises (probes, graceful termination, a disruption budget, settings from
# a ConfigMap and a Secret). (kubectl's dry-run needs a cluster to discover kinds: not used.)
NODE_PATH="$ROOT/node_modules" node -e '
  const yaml = require("js-yaml");
  const fs = require("fs");
  const docs = fs.readdirSync("deploy/kubernetes").filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => yaml.loadAll(fs.readFileSync("deploy/kubernetes/" + f, "utf8"))).filter(Boolean);
  const need = (c, m) => { if (!c) { console.error("deploy/kubernetes: " + m); process.exit(1); } };
  const one = (kind) => { const d = docs.filter((x) => x.kind === kind); need(d.length === 1, "exactly one " + kind + " expected"); return d[0]; };
  const cm = one("ConfigMap"), secret = one("Secret"), dep = one("Deployment"), svc = one("Service"), pdb = one("PodDisruptionBudget");
  const pod = dep.spec.template;
  const labels = pod.metadata.labels || {};
  const matches = (sel) => sel && Object.entries(sel).every(([k, v]) => labels[k] === v);
  need(matches(dep.spec.selector.matchLabels), "Deployment selector does not match its pod labels");
  need(matches(svc.spec.selector), "Service selector does not match the pods");
  need(matches(pdb.spec.selector.matchLabels), "PodDisruptionBudget selector does not match the pods");
  need(pdb.spec.minAvailable !== undefined || pdb.spec.maxUnavailable !== undefined, "PodDisruptionBudget sets no bound");
  need(dep.spec.replicas >= 2, "run at least two replicas (the PodDisruptionBudget needs them)");
  const c = pod.spec.containers[0];
  need(c.ports.some((p) => p.containerPort === 8080), "container port 8080 missing");
  need(c.livenessProbe?.httpGet?.path === "/health", "liveness probe must be GET /health");
  need(c.readinessProbe?.httpGet?.path === "/health/ready", "readiness probe must be GET /health/ready");
  const refs = (c.envFrom || []).map((e) => (e.configMapRef || e.secretRef || {}).name);
  need(refs.includes(cm.metadata.name) && refs.includes(secret.metadata.name), "envFrom must load the ConfigMap and the Secret");
  const settings = { ...cm.data, ...(secret.stringData || secret.data) };
  for (const k of ["NODE_ENV", "DATABASE_URL", "JWT_SECRET", "REDIS_URL", "TRUST_PROXY", "SHUTDOWN_TIMEOUT_MS"]) need(k in settings, "setting " + k + " missing");
  for (const k of ["JWT_SECRET", "DATABASE_URL", "ADMIN_PASSWORD", "METRICS_TOKEN"]) need(!(k in (cm.data || {})), k + " belongs in the Secret, not the ConfigMap");
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  need(Number(settings.SHUTDOWN_TIMEOUT_MS) / 1000 < grace, "SHUTDOWN_TIMEOUT_MS must end before terminationGracePeriodSeconds");
  need(svc.spec.sessionAffinity === "ClientIP", "Service needs ClientIP affinity (SockJS HTTP transports)");
  console.log("deploy/kubernetes: structure ok (" + docs.map((d) => d.kind).join(", ") + ")");
' || fail "deploy/kubernetes check failed"

grep -q 'ip_hash\|sticky' deploy/nginx.conf || fail "nginx.conf lacks sticky sessions"
grep -q 'Upgrade \$http_upgrade' deploy/nginx.conf || fail "nginx.conf lacks WebSocket upgrade headers"
step "Dockerfile check passed"
