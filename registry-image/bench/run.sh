#!/usr/bin/env bash
# Benchmarks Berth against the reference registry (CNCF Distribution's docker-registry) on this
# machine: both on 127.0.0.1 with filesystem storage in a temporary folder, measured in
# alternating order over several rounds. Builds nothing: run `mvn -f registry-image/pom.xml
# package` first (it expects registry-image/target/registry.jar).
#
#   bench/run.sh                 # 1 GiB blobs, 3 rounds, 20000 manifest requests per run
#   SIZE_MIB=256 ROUNDS=2 bench/run.sh
#
# Knobs (environment): SIZE_MIB, ROUNDS, REQUESTS (per hey run), CONCURRENCY,
# BERTH_JAVA_OPTS (JVM flags for Berth), BERTH_MALLOC_ARENA_MAX, REFERENCE (docker-registry binary), MAX_SECONDS,
# NMT=1 (Berth's native memory summary, by JVM area, saved beside the results),
# CLIENTS (concurrent pushes of CLIENT_MIB each, default 100 x 16), STALLED (uploads that declare 1 GiB
# and send nothing, default 200): measured on fresh processes after the rounds; CLIENTS=0 skips it.
# A third process, Berth with auth on (htpasswd users and auth.bearer tokens), takes the manifest
# loads beside Berth without auth, with a token from /token: the auth table compares the two.
# Prints a table (median of the rounds) and writes it with the raw numbers to bench/results/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR=${JAR:-$HERE/../target/registry.jar}
REFERENCE=${REFERENCE:-/usr/bin/docker-registry}
SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-20000}
CONCURRENCY=${CONCURRENCY:-32}
MAX_SECONDS=${MAX_SECONDS:-600}
CLIENTS=${CLIENTS:-100}
CLIENT_MIB=${CLIENT_MIB:-16}
STALLED=${STALLED:-200}
# The image's JVM flags, sized as in a container with a 1 GiB memory limit.
BERTH_JAVA_OPTS=${BERTH_JAVA_OPTS:--XX:MaxRAM=1g -XX:MaxRAMPercentage=40 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=2000}
# And the image's malloc setting (see the Dockerfile).
BERTH_MALLOC_ARENA_MAX=${BERTH_MALLOC_ARENA_MAX:-2}
[ -n "${NMT:-}" ] && BERTH_JAVA_OPTS="$BERTH_JAVA_OPTS -XX:NativeMemoryTracking=summary"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

fail() { echo "bench: $*" >&2; exit 1; }
[ -s "$JAR" ] || fail "no $JAR: build it first (mvn -f registry-image/pom.xml package)"
for tool in curl hey htpasswd sha256sum "$REFERENCE" "$JAVA"; do command -v "$tool" >/dev/null || fail "$tool not found"; done
(( ROUNDS >= 1 && ROUNDS <= 10 )) || fail "ROUNDS must be 1-10"
(( SIZE_MIB >= 1 && SIZE_MIB <= 4096 )) || fail "SIZE_MIB must be 1-4096"
(( REQUESTS >= 100 && REQUESTS <= 200000 )) || fail "REQUESTS must be 100-200000"
(( CLIENTS >= 0 && CLIENTS <= 200 && STALLED >= 0 && STALLED <= 400 )) || fail "CLIENTS must be 0-200, STALLED 0-400"

WORK=$(mktemp -d /var/tmp/berth-bench.XXXXXX)
mkdir -p "$HERE/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$HERE/results/$STAMP.tsv
REPORT=$HERE/results/$STAMP.txt
declare -A PID BASE CURL_AUTH
deadline=$(( SECONDS + MAX_SECONDS ))

cleanup() {
  set +e
  for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(shuf -i 20000-32000 -n 1) # below the ephemeral range outgoing connections use
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  fail "no free port"
}

wait_ready() { # name
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "${BASE[$1]}/v2/")" = 200 ] && return
    kill -0 "${PID[$1]}" 2>/dev/null || { tail -20 "$WORK/$1.log"; fail "$1 exited at start"; }
    sleep 0.2
  done
  fail "$1 did not answer /v2/"
}

start_servers() {
  local port
  port=$(free_port)
  mkdir -p "$WORK/reference-data" "$WORK/berth-data"
  cat > "$WORK/reference.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/reference-data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: bench
YAML
  "$REFERENCE" serve "$WORK/reference.yml" > "$WORK/reference.log" 2>&1 &
  PID[reference]=$!
  BASE[reference]=http://127.0.0.1:$port

  port=$(free_port)
  # shellcheck disable=SC2086 # the flags are words
  REGISTRY_HTTP_ADDR=127.0.0.1:$port REGISTRY_HTTP_SECRET=bench REGISTRY_LOG_LEVEL=warn \
  REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$WORK/berth-data" REGISTRY_STORAGE_DELETE_ENABLED=true \
  REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_ENABLED=false MALLOC_ARENA_MAX=$BERTH_MALLOC_ARENA_MAX \
    "$JAVA" $BERTH_JAVA_OPTS -jar "$JAR" > "$WORK/berth.log" 2>&1 &
  PID[berth]=$!
  BASE[berth]=http://127.0.0.1:$port
  wait_ready reference
  wait_ready berth
}

# Berth again, with auth on as a deployed stack has it: users (an htpasswd file) and Berth's own
# bearer tokens. Only the manifest loads run against it, with a token fetched from /token first.
start_auth_server() {
  local port
  port=$(free_port)
  mkdir -p "$WORK/berth-auth-data"
  htpasswd -Bbc "$WORK/htpasswd" bench bench-password 2>/dev/null
  # shellcheck disable=SC2086 # the flags are words
  REGISTRY_HTTP_ADDR=127.0.0.1:$port REGISTRY_HTTP_SECRET=bench REGISTRY_LOG_LEVEL=warn \
  REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$WORK/berth-auth-data" REGISTRY_STORAGE_DELETE_ENABLED=true \
  REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_ENABLED=false MALLOC_ARENA_MAX=$BERTH_MALLOC_ARENA_MAX \
  REGISTRY_AUTH_HTPASSWD_REALM=bench REGISTRY_AUTH_HTPASSWD_PATH="$WORK/htpasswd" \
  REGISTRY_AUTH_BEARER_SIGNINGKEY=bench-signing-key-of-at-least-32-characters REGISTRY_AUTH_BEARER_LIFETIME=30m \
    "$JAVA" $BERTH_JAVA_OPTS -jar "$JAR" > "$WORK/berth-auth.log" 2>&1 &
  PID[berth-auth]=$!
  BASE[berth-auth]=http://127.0.0.1:$port
  CURL_AUTH[berth-auth]="bench:bench-password"
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -u "${CURL_AUTH[berth-auth]}" "${BASE[berth-auth]}/v2/")" = 200 ] && return
    kill -0 "${PID[berth-auth]}" 2>/dev/null || { tail -20 "$WORK/berth-auth.log"; fail "berth-auth exited at start"; }
    sleep 0.2
  done
  fail "berth-auth did not answer /v2/"
}

# A pull token for the manifest repository, as docker gets one after its 401.
bench_token() {
  curl -s -u "${CURL_AUTH[berth-auth]}" "${BASE[berth-auth]}/token?service=berth&scope=repository:bench/manifest:pull" \
    | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

stop_servers() {
  for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null; wait "${PID[$name]}" 2>/dev/null || true; done
  PID=()
  rm -rf "$WORK/reference-data" "$WORK/berth-data" "$WORK/berth-auth-data"
}

now() { date +%s.%N; }
mibps() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1048576 / t }'; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RAW"; } # metric registry round value
out_of_time() { (( SECONDS >= deadline )); }

# Resolves a Location header against the registry's base URL.
absolute() { case "$2" in http://*|https://*) echo "$2" ;; *) echo "${BASE[$1]}$2" ;; esac; }
location() { awk 'tolower($1) == "location:" { sub(/\r$/, "", $2); print $2 }' "$1"; }
with_digest() { case "$1" in *\?*) echo "$1&digest=$2" ;; *) echo "$1?digest=$2" ;; esac; }

# New content for each round, so no registry can skip work for a blob it already holds.
fresh_blob() { # round kind
  printf '%-32s' "berth-bench $1 $2 $RANDOM" | dd of="$WORK/blob" bs=32 count=1 conv=notrunc status=none
  DIGEST=sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)
}

# Flush the page cache's dirty data first, so an upload does not pay for the previous one's writeback.
settle() { sync; }

streamed_upload() { # name round
  local name=$1 t0 loc code
  settle
  t0=$(now)
  curl -s -o /dev/null -D "$WORK/h1" -X POST "${BASE[$name]}/v2/bench/streamed/blobs/uploads/"
  loc=$(absolute "$name" "$(location "$WORK/h1")")
  curl -s -o /dev/null -D "$WORK/h2" --max-time 300 -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    -X PATCH -T "$WORK/blob" "$loc"
  loc=$(absolute "$name" "$(location "$WORK/h2")")
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 300 -X PUT "$(with_digest "$loc" "$DIGEST")")
  [ "$code" = 201 ] || fail "$name: streamed upload PUT answered $code"
  record streamed_upload_MiBps "$name" "$2" "$(mibps "$BYTES" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b-a}')")"
}

# POST for a session, then one PUT with the whole blob: the monolithic form both registries support.
monolithic_put() { # name round
  local name=$1 loc out code seconds t0
  settle
  t0=$(now)
  curl -s -o /dev/null -D "$WORK/h1" -X POST "${BASE[$name]}/v2/bench/monolithic/blobs/uploads/"
  loc=$(absolute "$name" "$(location "$WORK/h1")")
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 300 -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' -X PUT -T "$WORK/blob" "$(with_digest "$loc" "$DIGEST")")
  [ "$code" = 201 ] || fail "$name: monolithic PUT answered $code"
  record monolithic_put_MiBps "$name" "$2" "$(mibps "$BYTES" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b-a}')")"
}

# One POST carrying the blob (OCI 1.1's single-request push). docker-registry 2.8 ignores the
# body and opens a session instead, so only Berth is measured.
single_post() { # name round
  local out code seconds
  settle
  # From stdin: with -T FILE curl would append the file name to the URL's trailing slash.
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 300 -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' -H 'Transfer-Encoding:' -H "Content-Length: $BYTES" -X POST -T - \
    "${BASE[$1]}/v2/bench/single/blobs/uploads/?digest=$DIGEST" < "$WORK/blob")
  read -r code seconds <<< "$out"
  [ "$code" = 201 ] || fail "$1: single-POST upload answered $code"
  record single_post_MiBps "$1" "$2" "$(mibps "$BYTES" "$seconds")"
}

# What the machine itself takes to write the blob into a new file (dd, 1 MiB writes): every
# upload writes it once, so no registry can upload faster. Kept, like the registries' blobs.
write_ceiling() { # round
  local t0
  settle
  t0=$(now)
  dd if="$WORK/blob" of="$WORK/ceiling-$1" bs=1M status=none
  record file_write_MiBps machine "$1" "$(mibps "$BYTES" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{print b-a}')")"
}

blob_get() { # name round
  local out code size seconds
  out=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' --max-time 300 \
    "${BASE[$1]}/v2/bench/monolithic/blobs/$MONOLITHIC_DIGEST")
  read -r code size seconds <<< "$out"
  [ "$code" = 200 ] && [ "$size" = "$BYTES" ] || fail "$1: blob GET answered $code with $size bytes"
  record blob_get_MiBps "$1" "$2" "$(mibps "$size" "$seconds")"
}

push_small() { # name repo file
  local digest loc code
  digest=sha256:$(sha256sum "$3" | cut -d' ' -f1)
  curl -s -o /dev/null -D "$WORK/hs" ${CURL_AUTH[$1]:+-u "${CURL_AUTH[$1]}"} -X POST "${BASE[$1]}/v2/$2/blobs/uploads/"
  loc=$(absolute "$1" "$(location "$WORK/hs")")
  code=$(curl -s -o /dev/null -w '%{http_code}' ${CURL_AUTH[$1]:+-u "${CURL_AUTH[$1]}"} -X PUT -H 'Content-Type: application/octet-stream' \
    --data-binary @"$3" "$(with_digest "$loc" "$digest")")
  [ "$code" = 201 ] || fail "$1: small blob push answered $code"
}

push_manifest() { # name
  local config layer manifest code
  config=$WORK/config.json; layer=$WORK/layer.bin; manifest=$WORK/manifest.json
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$config"
  head -c 1024 /dev/urandom > "$layer"
  push_small "$1" bench/manifest "$config"
  push_small "$1" bench/manifest "$layer"
  cat > "$manifest" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$(sha256sum "$config" | cut -d' ' -f1)","size":$(stat -c %s "$config")},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$(sha256sum "$layer" | cut -d' ' -f1)","size":1024}]}
JSON
  code=$(curl -s -o "$WORK/put.out" -w '%{http_code}' ${CURL_AUTH[$1]:+-u "${CURL_AUTH[$1]}"} -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$manifest" "${BASE[$1]}/v2/bench/manifest/manifests/latest")
  [ "$code" = 201 ] || { cat "$WORK/put.out"; fail "$1: manifest PUT answered $code"; }
}

manifest_load() { # name round method
  local out rps ok token auth=()
  if [ -n "${CURL_AUTH[$1]:-}" ]; then
    token=$(bench_token)
    [ -n "$token" ] || fail "$1: no token from /token"
    auth=(-H "Authorization: Bearer $token")
  fi
  out=$(timeout 120 hey -n "$REQUESTS" -c "$CONCURRENCY" -m "$3" "${auth[@]}" \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "${BASE[$1]}/v2/bench/manifest/manifests/latest") || fail "$1: hey $3 failed or timed out"
  rps=$(awk '/Requests\/sec:/ { printf "%.0f", $2 }' <<< "$out")
  ok=$(awk '$1 == "[200]" { print $2 }' <<< "$out") # not the histogram's "[200]" bucket counts
  # hey gives each client REQUESTS / CONCURRENCY requests.
  local expected=$(( REQUESTS / CONCURRENCY * CONCURRENCY ))
  [ "${ok:-0}" = "$expected" ] || { echo "$out" | tail -15; fail "$1: manifest $3 got ${ok:-0}/$expected 200s"; }
  record "manifest_${3}_rps" "$1" "$2" "$rps"
}

status_mib() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; } # pid field
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# --- run ------------------------------------------------------------------------------------
printf 'metric\tregistry\tround\tvalue\n' > "$RAW"
# Other work on the machine skews every number: say how busy it was.
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: ${SIZE_MIB} MiB blobs, $ROUNDS rounds, $REQUESTS requests x $CONCURRENCY clients; Berth JVM: $BERTH_JAVA_OPTS, MALLOC_ARENA_MAX=$BERTH_MALLOC_ARENA_MAX"
echo "bench: writing the blob..."
head -c "$(( SIZE_MIB * 1048576 ))" /dev/urandom > "$WORK/blob"
BYTES=$(stat -c %s "$WORK/blob")
start_servers
start_auth_server
for name in reference berth berth-auth; do push_manifest "$name"; done

completed=0
for round in $(seq 1 "$ROUNDS"); do
  # Rounds are whole: stop before one that would start past MAX_SECONDS, report the rest.
  if out_of_time; then
    echo "bench: MAX_SECONDS=$MAX_SECONDS reached, stopping after $completed rounds"
    break
  fi
  # Alternate who goes first, so neither always meets a warmer page cache.
  if (( round % 2 )); then order=(reference berth); else order=(berth reference); fi
  echo "bench: round $round/$ROUNDS (${order[*]})"
  fresh_blob "$round" streamed
  for name in "${order[@]}"; do streamed_upload "$name" "$round"; done
  fresh_blob "$round" monolithic
  for name in "${order[@]}"; do monolithic_put "$name" "$round"; done
  MONOLITHIC_DIGEST=$DIGEST
  fresh_blob "$round" single
  single_post berth "$round"
  write_ceiling "$round"
  for name in "${order[@]}"; do blob_get "$name" "$round"; done
  # Berth with auth on runs beside Berth without, so that the two meet the same machine.
  if (( round % 2 )); then loads=(reference berth berth-auth); else loads=(berth-auth berth reference); fi
  for name in "${loads[@]}"; do manifest_load "$name" "$round" HEAD; done
  for name in "${loads[@]}"; do manifest_load "$name" "$round" GET; done
  completed=$round
done
for name in reference berth; do
  record peak_rss_MiB "$name" all "$(status_mib "${PID[$name]}" VmHWM)"
  # Where the resident memory is at the end: anonymous (heap, direct buffers) or file pages (mmap).
  record rss_anon_MiB "$name" all "$(status_mib "${PID[$name]}" RssAnon)"
  record rss_file_MiB "$name" all "$(status_mib "${PID[$name]}" RssFile)"
  record cpu_seconds "$name" all "$(cpu_seconds "${PID[$name]}")"
done

if [ -n "${NMT:-}" ]; then
  "${JAVA%java}jcmd" "${PID[berth]}" VM.native_memory summary > "$HERE/results/$STAMP.berth-nmt.txt" 2>&1 || true
fi

# --- concurrency: CLIENTS pushes at once, then STALLED silent uploads, on fresh processes ---------
# Client i pushes the shared random CLIENT_MIB file with its first 32 bytes made its own, as docker
# does: POST, one chunked PATCH with the whole layer, PUT with the digest.
client_blob() { printf '%-32s' "berth-bench client $1"; tail -c +33 "$WORK/client-base"; }

concurrent_pushes() { # name
  local name=$1 i t0
  settle
  t0=$(now)
  for i in $(seq 1 "$CLIENTS"); do
    (
      loc=$(absolute "$name" "$(curl -s -o /dev/null -D - -X POST "${BASE[$name]}/v2/bench/many/blobs/uploads/" | location /dev/stdin)")
      loc=$(absolute "$name" "$(client_blob "$i" | curl -s -o /dev/null -D - --max-time 300 -H 'Content-Type: application/octet-stream' \
        -X PATCH -T - "$loc" | location /dev/stdin)")
      curl -s -o /dev/null -w '%{http_code}\n' --max-time 300 -X PUT "$(with_digest "$loc" "${CLIENT_DIGEST[$i]}")"
    ) > "$WORK/client-$i.status" 2>/dev/null &
  done
  wait_clients
  record concurrent_push_seconds "$name" 1 "$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')"
  record concurrent_push_created "$name" 1 "$(cat "$WORK"/client-*.status | grep -c '^201$')"
  record concurrent_push_rss_MiB "$name" 1 "$(status_mib "${PID[$name]}" VmHWM)"
  rm -f "$WORK"/client-*.status
}

# Waits for the client subshells (the servers are background jobs too, so not a plain `wait`).
wait_clients() { local job; for job in $(jobs -p); do [[ " ${PID[*]} " == *" $job "* ]] || wait "$job"; done; }

stalled_uploads() { # name
  local name=$1 port=${BASE[$1]##*:} i fd fds=()
  for i in $(seq 1 "$STALLED"); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$port" || break
    printf 'PATCH /v2/bench/stalled/blobs/uploads/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 1073741824\r\n\r\n' \
      "$(curl -s -o /dev/null -D - -X POST "${BASE[$name]}/v2/bench/stalled/blobs/uploads/" | location /dev/stdin | sed 's|.*/uploads/||')" >&"$fd"
    fds+=("$fd")
  done
  sleep 3
  record stalled_rss_MiB "$name" 1 "$(status_mib "${PID[$name]}" VmHWM)"
  record stalled_health_ms "$name" 1 "$(curl -s -o /dev/null -w '%{time_total}' "${BASE[$name]}/v2/" | awk '{ printf "%.0f", $1 * 1000 }')"
  for fd in "${fds[@]}"; do exec {fd}>&-; done
}

if (( CLIENTS > 0 )); then
  echo "bench: $CLIENTS concurrent pushes of $CLIENT_MIB MiB, then $STALLED stalled uploads, on fresh processes"
  stop_servers
  head -c "$(( CLIENT_MIB * 1048576 ))" /dev/urandom > "$WORK/client-base"
  declare -A CLIENT_DIGEST
  for i in $(seq 1 "$CLIENTS"); do CLIENT_DIGEST[$i]="sha256:$(client_blob "$i" | sha256sum | cut -d' ' -f1)"; done
  start_servers
  for name in reference berth; do concurrent_pushes "$name"; done
  stop_servers
  start_servers
  for name in reference berth; do stalled_uploads "$name"; done
fi

# --- report: median per metric ------------------------------------------------------------------
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
value() { awk -F'\t' -v m="$1" -v r="$2" '$1 == m && $2 == r { print $4 }' "$RAW" | median; }
{
  echo "Berth vs docker-registry ($("$REFERENCE" --version 2>/dev/null | head -1 || echo reference)) on $(nproc) cores, $(date -u +%F)"
  echo "${SIZE_MIB} MiB blobs, median of $completed rounds; manifests: $REQUESTS requests, $CONCURRENCY clients; Berth JVM: $BERTH_JAVA_OPTS, MALLOC_ARENA_MAX=$BERTH_MALLOC_ARENA_MAX"
  echo "load average (1 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1 /proc/loadavg); took ${SECONDS}s"
  printf '%-44s %16s %12s %8s  %s\n' metric docker-registry Berth ratio target
  while IFS='|' read -r metric label target; do
    ref=$(value "$metric" reference); ours=$(value "$metric" berth)
    ratio=$(awk -v a="$ours" -v b="$ref" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2fx", a / b; else print "-" }')
    printf '%-44s %16s %12s %8s  %s\n' "$label" "$ref" "$ours" "$ratio" "$target"
  done <<'ROWS'
streamed_upload_MiBps|streamed upload MiB/s|>= 2.5x
monolithic_put_MiBps|monolithic upload (POST+PUT) MiB/s|
single_post_MiBps|single-POST upload MiB/s|(reference: unsupported)
blob_get_MiBps|blob GET MiB/s|>= 1x
manifest_HEAD_rps|manifest HEAD req/s|>= 2x
manifest_GET_rps|manifest GET req/s|>= 2x
peak_rss_MiB|peak RSS MiB (lower better)|Berth <= 160
rss_anon_MiB|  RSS at end: anonymous MiB|
rss_file_MiB|  RSS at end: file-backed MiB|
cpu_seconds|server CPU s (lower better)|
concurrent_push_seconds|concurrent pushes: seconds (lower better)|
concurrent_push_created|concurrent pushes: answered 201|all
concurrent_push_rss_MiB|concurrent pushes: peak RSS MiB|Berth < 1024 with margin
stalled_rss_MiB|stalled uploads: peak RSS MiB|
stalled_health_ms|stalled uploads: GET /v2/ ms|
ROWS
  echo "this machine writes the blob into a new file at $(value file_write_MiBps machine) MiB/s (dd): the ceiling for any upload"
  echo
  echo "auth on (htpasswd users, auth.bearer tokens from /token) against auth off, both Berth, $CONCURRENCY clients:"
  printf '%-44s %16s %12s %8s  %s\n' metric "Berth auth off" "auth on" ratio target
  for metric in manifest_HEAD_rps manifest_GET_rps; do
    off=$(value "$metric" berth); on=$(value "$metric" berth-auth)
    ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2fx", a / b; else print "-" }')
    printf '%-44s %16s %12s %8s  %s\n' "${metric%_rps} req/s" "$off" "$on" "$ratio" ">= 0.85x"
  done
} | tee "$REPORT"
echo "bench: raw numbers in $RAW"
