#!/usr/bin/env bash
# Builds registry-image/Dockerfile for real and runs the image, on a machine with no Docker
# engine and no access to Docker Hub:
#   1. assembles the two base images offline with buildah: a Debian minbase rootfs
#      (debootstrap, from Debian's mirror) plus this machine's JDK 25 (and Maven with a
#      pre-filled repository for the builder), standing in for maven:…-temurin-25 and
#      eclipse-temurin:25-jre;
#   2. `buildah bud` on the unmodified Dockerfile with BUILDER_IMAGE/RUNTIME_IMAGE pointing
#      at them and MAVEN_FLAGS=-o;
#   3. runs the built image (its ENTRYPOINT + CMD, env and USER) with `buildah run` on the host
#      network, REGISTRY_HTTP_ADDR on a free loopback port, and checks /v2/, /healthz, a blob
#      push into the volume, the non-root uid, the HEALTHCHECK command and a clean SIGTERM stop;
#   4. removes its containers, images and storage.
# Needs root, buildah, debootstrap (installed with apt-get when missing), curl.
# Caches the Debian rootfs and the Maven repository in $BERTH_VERIFY_CACHE between runs;
# BERTH_VERIFY_KEEP=1 keeps the container, images and storage for a look afterwards.
set -euo pipefail

CONTEXT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JDK=${BERTH_VERIFY_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
MAVEN_HOME=${BERTH_VERIFY_MAVEN:-/usr/share/maven}
MIRROR=${BERTH_VERIFY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${BERTH_VERIFY_DEBIAN_SUITE:-bookworm}
CACHE=${BERTH_VERIFY_CACHE:-/var/tmp/berth-dockerfile-verify-cache}
WORK=$(mktemp -d /var/tmp/berth-dockerfile-verify.XXXXXX)
STORE=(--root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs)
PREFIX=localhost/berth-verify
started=$(date +%s)

step() { printf '\n==> [%3ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local status=$?
  set +e
  [ -n "${runner:-}" ] && kill "$runner" 2>/dev/null && wait "$runner" 2>/dev/null
  [ -n "${BERTH_VERIFY_KEEP:-}" ] && { echo "==> kept $WORK (BERTH_VERIFY_KEEP): ${STORE[*]}"; return; }
  local used
  used=$(du -sh "$WORK" 2>/dev/null | cut -f1)
  buildah "${STORE[@]}" rm --all >/dev/null 2>&1
  # vfs storage holds full copies of every layer: unmount and remove all of it.
  buildah "${STORE[@]}" rmi --all --force >/dev/null 2>&1
  grep -F " $WORK/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
  printf '==> cleaned up %s (%s of disk) after %ss (exit %s)\n' "$WORK" "$used" "$(( $(date +%s) - started ))" "$status"
}
trap cleanup EXIT

# --- preconditions --------------------------------------------------------------------
[ "$(id -u)" = 0 ] || fail "must run as root (buildah with vfs storage and chroot isolation)"
for tool in buildah curl tar pgrep; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install $tool)"
done
if ! command -v debootstrap >/dev/null; then
  step "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } \
    || fail "cannot install debootstrap"
fi
[ -x "$JDK/bin/java" ] || fail "no JDK at $JDK (set BERTH_VERIFY_JDK)"
[ -x "$MAVEN_HOME/bin/mvn" ] || fail "no Maven at $MAVEN_HOME (set BERTH_VERIFY_MAVEN)"
mkdir -p "$CACHE"
# A run killed outright (SIGKILL) cannot clean up: drop such leftovers after 3 hours.
find /var/tmp -maxdepth 1 -name 'berth-dockerfile-verify.*' -mmin +180 -exec rm -rf {} + 2>/dev/null || true
df -h "$WORK" | tail -1 | awk '{print "==> disk: " $4 " free on " $6}'

# --- 1a. Debian rootfs ----------------------------------------------------------------
# Several runs (two checkouts' tests) may share the cache: fill it under a lock.
exec 9> "$CACHE/.lock"
flock 9
rootfs_tar=$CACHE/debian-$SUITE-minbase.tar
if [ ! -s "$rootfs_tar" ]; then
  step "debootstrap $SUITE minbase from $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap failed"; }
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/* \
         "$WORK"/rootfs/usr/share/doc "$WORK"/rootfs/usr/share/man "$WORK"/rootfs/usr/share/locale
  tar -C "$WORK/rootfs" -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$WORK/rootfs"
else
  step "Debian rootfs from cache: $rootfs_tar"
fi

# --- 1b. Maven repository holding exactly what the Dockerfile's mvn commands need ---------
m2=$CACHE/m2
pom_hash=$(sha256sum "$CONTEXT/pom.xml" | cut -c1-16)
if [ ! -e "$m2/.filled-$pom_hash" ]; then
  step "filling the Maven repository for the offline build (Maven Central)"
  mkdir -p "$WORK/prefill/src"
  cp "$CONTEXT/pom.xml" "$WORK/prefill/"
  cp -r "$CONTEXT/src/main" "$WORK/prefill/src/"
  # The same goals as the Dockerfile, run here online against the cache repository.
  (cd "$WORK/prefill" \
    && JAVA_HOME=$JDK "$MAVEN_HOME/bin/mvn" -B -ntp -q -Dmaven.repo.local="$m2" \
         org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline \
    && JAVA_HOME=$JDK "$MAVEN_HOME/bin/mvn" -B -ntp -q -Dmaven.repo.local="$m2" -Dmaven.test.skip=true package) \
    > "$WORK/prefill.log" 2>&1 || { tail -40 "$WORK/prefill.log"; fail "could not fill the Maven repository"; }
  touch "$m2/.filled-$pom_hash"
  rm -rf "$WORK/prefill"
else
  step "Maven repository from cache: $m2"
fi

flock -u 9

# --- 1c. base images ------------------------------------------------------------------
# assemble NAME WITH_MAVEN: Debian rootfs + JDK at /opt/java/openjdk, as the official images lay it out.
assemble() {
  local name=$1 with_maven=$2 ctr mnt
  ctr=$(buildah "${STORE[@]}" from scratch)
  mnt=$(buildah "${STORE[@]}" mount "$ctr")
  tar -C "$mnt" -xf "$rootfs_tar"
  mkdir -p "$mnt/opt/java"
  cp -a "$JDK" "$mnt/opt/java/openjdk"
  if [ "$with_maven" = yes ]; then
    cp -rL "$MAVEN_HOME" "$mnt/usr/share/maven"
    ln -sf /usr/share/maven/bin/mvn "$mnt/usr/bin/mvn"
    mkdir -p "$mnt/root/.m2"
    cp -a "$m2" "$mnt/root/.m2/repository"
  fi
  buildah "${STORE[@]}" umount "$ctr" >/dev/null
  buildah "${STORE[@]}" config \
    --env JAVA_HOME=/opt/java/openjdk \
    --env PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash "$ctr"
  buildah "${STORE[@]}" commit --quiet "$ctr" "$PREFIX/$name:latest" >/dev/null
  buildah "${STORE[@]}" rm "$ctr" >/dev/null
}
step "assembling base images $PREFIX/builder (JDK + Maven + repository) and $PREFIX/runtime (JDK)"
assemble builder yes
assemble runtime no

# --- 2. the real Dockerfile -------------------------------------------------------------
step "buildah bud $CONTEXT/Dockerfile"
bud_started=$(date +%s)
buildah "${STORE[@]}" bud --isolation chroot --pull=never --format docker \
  --build-arg BUILDER_IMAGE="$PREFIX/builder:latest" \
  --build-arg RUNTIME_IMAGE="$PREFIX/runtime:latest" \
  --build-arg MAVEN_FLAGS=-o \
  -f "$CONTEXT/Dockerfile" -t "$PREFIX/registry:latest" "$CONTEXT" > "$WORK/bud.log" 2>&1 \
  || { tail -60 "$WORK/bud.log"; fail "buildah bud failed (log above)"; }
echo "    built in $(( $(date +%s) - bud_started ))s"

# The image config as the Docker-format JSON that buildah keeps (.Docker.config).
buildah "${STORE[@]}" inspect --type image "$PREFIX/registry:latest" > "$WORK/image.json"
has() { tr -d ' \n' < "$WORK/image.json" | grep -q -- "$1"; }
has '"User":"10001:10001"' || fail "image USER is not 10001:10001 (see buildah inspect)"
has '"ExposedPorts":{"5000/tcp":{}}' || fail "port 5000 is not exposed"
has '"Volumes":{"/var/lib/registry":{}}' || fail "/var/lib/registry is not a volume"
has '"Healthcheck":{"Test":\["CMD","java",' || fail "no HEALTHCHECK with the java check in the image"
has '"Entrypoint":\["java","-jar","/app/registry.jar"\]' || fail "unexpected ENTRYPOINT"
user=10001:10001
health=$(tr -d '\n' < "$WORK/image.json" | grep -o '"Healthcheck": *{[^}]*}' | head -1 | tr -s ' ')
echo "    user $user, healthcheck $health"

# --- 3. run it ---------------------------------------------------------------------------
# `podman run` cannot start containers in this sandbox (crun's setrlimit(RLIMIT_NPROC) is
# refused), so the image runs with `buildah run --isolation chroot`: the image's rootfs,
# environment, USER and working directory, on the host's network, with the image's own
# ENTRYPOINT + CMD.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(shuf -i 20000-60000 -n 1)
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  fail "no free port found"
}
port=$(free_port)
base=http://127.0.0.1:$port
words() { buildah "${STORE[@]}" inspect --type image --format "{{range $1}}{{.}} {{end}}" "$PREFIX/registry:latest"; }
read -r -a command <<< "$(words .Docker.Config.Entrypoint) $(words .Docker.Config.Cmd)"
ctr=$(buildah "${STORE[@]}" from --pull-never "$PREFIX/registry:latest")
step "running the image: ${command[*]} with REGISTRY_HTTP_ADDR=127.0.0.1:$port"
buildah "${STORE[@]}" run --isolation chroot \
  --env REGISTRY_HTTP_ADDR="127.0.0.1:$port" --env REGISTRY_HTTP_SECRET=verify-secret \
  "$ctr" -- "${command[@]}" > "$WORK/registry.log" 2>&1 &
runner=$!

logs() { echo "--- registry log:"; tail -40 "$WORK/registry.log"; }
# The registry's process: the java under the buildah runner that serves our port.
registry_pid() {
  local p
  for p in $(pgrep -f '/app/registry.jar' || true); do
    grep -qa 'serve' "/proc/$p/cmdline" 2>/dev/null && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] \
      && grep -q "127.0.0.1:$port" "/proc/$p/environ" 2>/dev/null && { echo "$p"; return; }
  done
}
ready=""
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/v2/")" = 200 ]; then ready=yes; break; fi
  kill -0 "$runner" 2>/dev/null || { logs; fail "the registry exited before answering"; }
  sleep 0.5
done
[ -n "$ready" ] || { logs; fail "GET $base/v2/ did not answer 200 within 60s"; }
echo "    GET /v2/ -> 200 ($(( $(date +%s) - started ))s into the run)"

code=$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")
[ "$code" = 200 ] || fail "GET /healthz answered $code"

pid=$(registry_pid)
[ -n "$pid" ] || fail "cannot find the registry's java process"
uid=$(awk '/^Uid:/{print $2}' "/proc/$pid/status")
[ "$uid" = 10001 ] || fail "the registry (pid $pid) runs as uid $uid, expected 10001"
echo "    java (pid $pid) runs as uid $uid"
grep -q "configuration: /etc/berth/config.yml" "$WORK/registry.log" || { logs; fail "the image's config file was not used"; }

# A blob written into the volume proves the non-root user can store data.
blob="$WORK/blob"; head -c 65536 /dev/urandom > "$blob"
digest=sha256:$(sha256sum "$blob" | cut -d' ' -f1)
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/octet-stream' \
  --data-binary @"$blob" "$base/v2/verify/blob/blobs/uploads/?digest=$digest")
[ "$code" = 201 ] || { logs; fail "blob upload answered $code"; }
curl -sf "$base/v2/verify/blob/blobs/$digest" | cmp -s - "$blob" || fail "the pushed blob reads back differently"
echo "    blob push and pull through /var/lib/registry: ok"

# The HEALTHCHECK's command, run in the image beside the registry.
read -r -a health_cmd <<< "$(words .Docker.Config.Healthcheck.Test)"
[ "${health_cmd[0]}" = CMD ] || fail "unexpected HEALTHCHECK form: ${health_cmd[*]}"
buildah "${STORE[@]}" run --isolation chroot --env REGISTRY_HTTP_ADDR="127.0.0.1:$port" \
  "$ctr" -- "${health_cmd[@]:1}" > "$WORK/health.out" 2>&1 \
  || { cat "$WORK/health.out"; fail "the HEALTHCHECK command failed"; }
echo "    HEALTHCHECK (${health_cmd[*]:1}): ok"

step "SIGTERM to the registry, as docker stop / ECS send it"
kill -TERM "$pid"
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
kill -0 "$pid" 2>/dev/null && fail "the registry still runs 10s after SIGTERM"
wait "$runner" 2>/dev/null || true
grep -q "\"msg\":\"stopped\",\"logger\":\"dev.berth.registry.Main\"" "$WORK/registry.log" || { logs; fail "no clean stop in the log"; }
echo "    stopped cleanly"

step "Dockerfile verified"
