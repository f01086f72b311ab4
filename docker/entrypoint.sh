#!/bin/sh
# Container entrypoint, in the style of the official redis image:
#   docker run mnemos                          -> mnemos-server /etc/mnemos/mnemos.conf
#   docker run mnemos --maxmemory 256mb        -> mnemos-server /etc/mnemos/mnemos.conf --maxmemory 256mb
#   docker run mnemos /path/my.conf --port 7000 -> mnemos-server /path/my.conf --port 7000
#   docker run mnemos redis-cli -h other       -> runs that command (the image has redis-cli)
# MNEMOS_PASSWORD, when set, becomes --requirepass (the healthcheck authenticates with it too).
set -e

if [ "${1#-}" != "$1" ]; then
  set -- mnemos-server /etc/mnemos/mnemos.conf "$@"
elif [ "${1%.conf}" != "$1" ]; then
  set -- mnemos-server "$@"
fi

if [ "$1" = "mnemos-server" ]; then
  shift
  if [ -n "${MNEMOS_PASSWORD:-}" ]; then
    set -- "$@" --requirepass "$MNEMOS_PASSWORD"
  fi
  # JVM options for a cache (README "Run with Docker" explains and measures them):
  #  - the heap follows the container's memory limit (75%; the rest is metaspace, threads, Netty's
  #    direct buffers and the page cache), so `docker run -m 1g` needs no -Xmx;
  #  - ZGC (generational): pauses stay well under a millisecond whatever the heap size, where G1's
  #    young collections of a large, mostly-live cache heap pause for tens of milliseconds;
  #  - a JVM that ran out of heap exits, so the restart policy gives a clean process.
  java_major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${JAVA_HOME:-/opt/java/openjdk}/release" 2>/dev/null || true)
  gc="-XX:+UseZGC"
  if [ -n "$java_major" ] && [ "$java_major" -lt 23 ]; then
    gc="$gc -XX:+ZGenerational"   # the default (and only) ZGC mode from JDK 23 on
  fi
  : "${MNEMOS_JAVA_OPTS:=-XX:MaxRAMPercentage=75 $gc -XX:+ExitOnOutOfMemoryError -Xss512k}"
  # shellcheck disable=SC2086
  exec java $MNEMOS_JAVA_OPTS ${JAVA_OPTS:-} -jar /opt/mnemos/mnemos-server.jar "$@"
fi

exec "$@"
