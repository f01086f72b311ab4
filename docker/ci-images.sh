#!/usr/bin/env bash
# Makes a Docker engine and the images the Dockerfile and docker-compose.yml name available on a
# machine that has no registry access (CI here): installs docker.io/docker-compose/debootstrap when
# missing, starts dockerd when none answers, and builds LOCAL stand-ins tagged with the upstream names:
#   maven:3.9-eclipse-temurin-21   Debian bookworm + this machine's JDK (copied) + Maven 3.9 (from the wrapper)
#   eclipse-temurin:21-jre         Debian bookworm + a jlink'd runtime of this machine's JDK
#   prom/prometheus                Debian bookworm + Debian's prometheus package
#   prom/node-exporter             Debian bookworm + Debian's prometheus-node-exporter package
# so the real Dockerfile and compose file are used unchanged. Idempotent: an image that exists is kept
# (FORCE=1 rebuilds). Where a registry is reachable none of this is needed: the upstream images are pulled.
# The stand-ins' JDK is whatever JAVA_HOME points at (here Temurin 25): the jar targets release 21, so it
# runs on any JDK >= 21; a real deployment uses the upstream Temurin 21 images.
set -euo pipefail
log() { echo "[ci-images] $*"; }
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=${CI_IMAGES_WORK:-/tmp/mnemos-ci-images}
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
T0=$(date +%s)

apt_install() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  fi
}
apt_install dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap

# 1. The engine: reuse one that answers, else start dockerd (no systemd here).
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd >/tmp/dockerd.log 2>&1 &
  echo $! >/tmp/dockerd.pid
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start (see /tmp/dockerd.log)"; exit 1; }
fi
log "engine $(docker version --format '{{.Server.Version}}')"

have() { [ "${FORCE:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }
mkdir -p "$WORK"

# 2. The Debian base every stand-in starts from.
if ! have local/debian:$SUITE; then
  log "debootstrap $SUITE"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase $SUITE "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1
  rm -rf "$WORK/rootfs"/var/cache/apt/archives/*.deb "$WORK/rootfs"/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" -c . | docker import - local/debian:$SUITE >/dev/null
  rm -rf "$WORK/rootfs"
fi

build() { # tag, context dir (Dockerfile inside)
  log "building $1"
  docker build -q -t "$1" "$2" >/dev/null
}

# 3. JRE: a jlink'd runtime with the modules Mnemos, redis-cli's healthcheck and JVM metrics need.
if ! have eclipse-temurin:21-jre; then
  ctx="$WORK/jre"; rm -rf "$ctx"; mkdir -p "$ctx"
  "$JDK/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs,jdk.jfr,jdk.naming.dns,jdk.httpserver,jdk.jcmd,jdk.localedata \
    --strip-debug --no-man-pages --no-header-files --generate-cds-archive --output "$ctx/openjdk"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM local/debian:$SUITE
COPY openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
CMD ["jshell"]
DOCKERFILE
  build eclipse-temurin:21-jre "$ctx"; rm -rf "$ctx"
fi

# 4. JDK + Maven for the build stage.
if ! have maven:3.9-eclipse-temurin-21; then
  ctx="$WORK/maven"; rm -rf "$ctx"; mkdir -p "$ctx"
  cp -rL "$JDK" "$ctx/openjdk"   # -L: the JDK's cacerts is a symlink into the host's /etc/ssl
  mvn_home=$(ls -d "$HOME"/.m2/wrapper/dists/apache-maven-3.9*/*/ 2>/dev/null | head -1 || true)
  if [ -z "$mvn_home" ]; then
    (cd "$(dirname "$0")/.." && ./mvnw -q -v >/dev/null)
    mvn_home=$(ls -d "$HOME"/.m2/wrapper/dists/apache-maven-3.9*/*/ | head -1)
  fi
  cp -a "$mvn_home" "$ctx/maven"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM local/debian:$SUITE
COPY openjdk /opt/java/openjdk
COPY maven /usr/share/maven
RUN ln -s /usr/share/maven/bin/mvn /usr/bin/mvn
ENV JAVA_HOME=/opt/java/openjdk MAVEN_HOME=/usr/share/maven PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
CMD ["mvn"]
DOCKERFILE
  build maven:3.9-eclipse-temurin-21 "$ctx"; rm -rf "$ctx"
fi

# 5. Prometheus and node-exporter from Debian, with the upstream images' entrypoints and paths.
if ! have prom/prometheus:latest; then
  ctx="$WORK/prometheus"; rm -rf "$ctx"; mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM local/debian:bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus /etc/prometheus && chown nobody:nogroup /prometheus /etc/prometheus
USER nobody
EXPOSE 9090
VOLUME /prometheus
WORKDIR /prometheus
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.console.libraries=/usr/share/prometheus/console_libraries", "--web.console.templates=/usr/share/prometheus/consoles"]
DOCKERFILE
  build prom/prometheus:latest "$ctx"; rm -rf "$ctx"
fi
if ! have prom/node-exporter:latest; then
  ctx="$WORK/node-exporter"; rm -rf "$ctx"; mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM local/debian:bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus-node-exporter \
 && rm -rf /var/lib/apt/lists/* && ln -s /usr/bin/prometheus-node-exporter /usr/local/bin/node_exporter
USER nobody
EXPOSE 9100
ENTRYPOINT ["/usr/local/bin/node_exporter"]
DOCKERFILE
  build prom/node-exporter:latest "$ctx"; rm -rf "$ctx"
fi
log "images ready in $(( $(date +%s) - T0 ))s"
