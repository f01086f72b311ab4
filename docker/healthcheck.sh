#!/bin/sh
# The image's HEALTHCHECK: one PING through redis-cli (a small C program: no JVM is started per
# probe); a PING answers in well under a millisecond, the 2 s cap (below the HEALTHCHECK's 3 s timeout)
# only matters for a stuck server. Authenticates when a password is configured through the
# environment (MNEMOS_PASSWORD, or redis-cli's own REDISCLI_AUTH). Healthy only on PONG.
#   usage: mnemos-healthcheck [host] [port]      (defaults 127.0.0.1 and $MNEMOS_PORT or 6379)
if [ -z "${REDISCLI_AUTH:-}" ] && [ -n "${MNEMOS_PASSWORD:-}" ]; then
  REDISCLI_AUTH="$MNEMOS_PASSWORD"
  export REDISCLI_AUTH
fi
[ -n "${REDISCLI_AUTH:-}" ] || unset REDISCLI_AUTH
reply=$(timeout "${MNEMOS_HEALTHCHECK_TIMEOUT:-2}" redis-cli --no-auth-warning -h "${1:-127.0.0.1}" -p "${2:-${MNEMOS_PORT:-6379}}" ping 2>&1)
if [ "$reply" = "PONG" ]; then
  exit 0
fi
echo "unhealthy: ${reply:-no reply within ${MNEMOS_HEALTHCHECK_TIMEOUT:-2}s}"
exit 1
