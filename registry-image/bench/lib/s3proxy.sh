# Sourced by the benchmark scripts: a local S3-compatible server (S3Proxy, filesystem-backed)
# on 127.0.0.1, the same jar the S3 tests use. `mvn -f registry-image/pom.xml package` copies
# it to registry-image/target/s3proxy/s3proxy.jar.
#
#   start_s3proxy DIR PORT   # serves DIR/blobs; sets S3_ENDPOINT and S3PROXY_PID
#   make_bucket NAME         # a bucket is a folder of DIR/blobs for the filesystem backend
#   stop_s3proxy
#
# S3_ACCESS_KEY, S3_SECRET_KEY and S3_REGION are what both registries must be given; nothing
# here reads or passes on the machine's own AWS_* variables.

S3PROXY_JAR=${S3PROXY_JAR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/s3proxy/s3proxy.jar}
S3_ACCESS_KEY=bench-access
S3_SECRET_KEY=bench-secret-key
S3_REGION=us-east-1
S3PROXY_DIR=
S3PROXY_PID=
S3_ENDPOINT=

start_s3proxy() { # dir port
  S3PROXY_DIR=$1
  S3_ENDPOINT=http://127.0.0.1:$2
  [ -s "$S3PROXY_JAR" ] || { echo "no $S3PROXY_JAR: run mvn -f registry-image/pom.xml package" >&2; return 1; }
  mkdir -p "$S3PROXY_DIR/blobs"
  cat > "$S3PROXY_DIR/s3proxy.conf" <<CONF
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.identity=$S3_ACCESS_KEY
jclouds.credential=$S3_SECRET_KEY
jclouds.filesystem.basedir=$S3PROXY_DIR/blobs
CONF
  env $(env | awk -F= '/^AWS_/ { printf "-u %s ", $1 }') LOG_LEVEL=warn \
    "${JAVA:-java}" -Xmx512m -XX:+UseSerialGC -jar "$S3PROXY_JAR" --properties "$S3PROXY_DIR/s3proxy.conf" \
    > "$S3PROXY_DIR/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  for _ in $(seq 1 300); do
    # Unsigned requests get 403: any answer means it is up.
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$S3_ENDPOINT/")" != 000 ] && return 0
    kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -20 "$S3PROXY_DIR/s3proxy.log" >&2; return 1; }
    sleep 0.2
  done
  echo "S3Proxy did not answer within 60 s" >&2
  return 1
}

make_bucket() { # name
  mkdir -p "$S3PROXY_DIR/blobs/$1"
}

stop_s3proxy() {
  [ -n "$S3PROXY_PID" ] && { kill "$S3PROXY_PID" 2>/dev/null; wait "$S3PROXY_PID" 2>/dev/null; }
  S3PROXY_PID=
  return 0
}
