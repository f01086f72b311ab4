# Mnemos container image. Multi-stage: Maven + JDK 21 build the jar, a JRE 21 runs it.
# Plain Dockerfile syntax only (no BuildKit features), so the legacy builder builds it too.
# The base images are parameters: where no registry is reachable, docker/ci-images.sh builds local
# stand-ins under these very names.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# Dependencies first, in their own layer: editing sources does not download them again.
COPY pom.xml ./
RUN mvn -B -q -ntp dependency:go-offline -DexcludeScope=test -DexcludeTransitive=false >/dev/null 2>&1 || true
COPY src/main ./src/main
RUN mvn -B -q -ntp package -Dmaven.test.skip=true \
 && cp target/mnemos-server.jar /mnemos-server.jar

FROM ${RUNTIME_IMAGE}
# redis-cli: the cheap healthcheck, and `docker exec mnemos redis-cli` as with the redis image.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system mnemos \
 && useradd --system --gid mnemos --home-dir /data --shell /usr/sbin/nologin mnemos \
 && mkdir -p /data /etc/mnemos /opt/mnemos \
 && chown mnemos:mnemos /data
COPY docker/mnemos.conf /etc/mnemos/mnemos.conf
COPY docker/entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY docker/healthcheck.sh /usr/local/bin/mnemos-healthcheck
COPY --from=build /mnemos-server.jar /opt/mnemos/mnemos-server.jar
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh /usr/local/bin/mnemos-healthcheck \
 && chmod 0644 /etc/mnemos/mnemos.conf /opt/mnemos/mnemos-server.jar

USER mnemos
WORKDIR /data
VOLUME /data
# 6379: clients (RESP). 9121: Prometheus metrics and /health (metrics-port in mnemos.conf).
EXPOSE 6379 9121
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["mnemos-healthcheck"]
# SIGTERM (docker stop) shuts the server down cleanly, well within docker's 10 s grace period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["mnemos-server", "/etc/mnemos/mnemos.conf"]
