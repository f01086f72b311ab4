package io.mnemos.embedded;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JUnit 5 extension giving each test a fresh Mnemos server: no Docker, no native binary.
 * <p>Declarative, one server per test class, emptied (FLUSHALL + CONFIG RESETSTAT) before each test:
 * <pre>
 * &#64;ExtendWith(MnemosExtension.class)
 * class CacheTest {
 *     MnemosServer redis;                      // injected (fields of type MnemosServer)
 *     &#64;MnemosPort int port;                    // injected
 *     &#64;Test void works(MnemosServer redis, &#64;MnemosPort int port) { ... }   // or as parameters
 * }</pre>
 * Programmatic, with configuration, and usable from static methods such as Spring's
 * {@code @DynamicPropertySource} ({@link #port()} starts the server when it is not running yet):
 * <pre>
 * &#64;RegisterExtension
 * static MnemosExtension mnemos = MnemosExtension.builder().config("maxmemory", "64mb").build();
 * ... mnemos.port() ... mnemos.server() ...</pre>
 * {@link Builder#serverPerTest()} starts a new server for every test instead of emptying a shared one.
 * The server is stopped after the last test of the class that started it ({@code @Nested} classes share it).
 */
public final class MnemosExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private final Map<String, String> config;
    private final boolean perTest;
    private MnemosServer server;
    private Class<?> owner;

    /** For {@code @ExtendWith(MnemosExtension.class)}: default configuration, one server per class. */
    public MnemosExtension() {
        this(new LinkedHashMap<>(), false);
    }

    private MnemosExtension(Map<String, String> config, boolean perTest) {
        this.config = config;
        this.perTest = perTest;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The running server, started on first use. */
    public synchronized MnemosServer server() {
        if (server == null || !server.isRunning()) {
            server = MnemosServer.builder().config(config).start();
        }
        return server;
    }

    /** The server's port (starts it when needed), e.g. for {@code spring.data.redis.port}. */
    public int port() {
        return server().port();
    }

    /** The server's host, "127.0.0.1". */
    public String host() {
        return server().host();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (this) {
            if (owner == null) {
                owner = context.getRequiredTestClass();
            }
        }
        if (!perTest) {
            server();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (this) {
            if (context.getRequiredTestClass() == owner) {
                stop();
                owner = null;
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        MnemosServer current;
        synchronized (this) {
            if (perTest) {
                stop();
            }
            current = server();
        }
        if (!perTest) {
            current.reset();
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            inject(instance, current);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            synchronized (this) {
                stop();
            }
        }
    }

    private void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private static void inject(Object instance, MnemosServer server) throws IllegalAccessException {
        for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                    continue;
                }
                if (field.getType() == MnemosServer.class) {
                    field.setAccessible(true);
                    field.set(instance, server);
                } else if (field.isAnnotationPresent(MnemosPort.class)) {
                    if (field.getType() != int.class && field.getType() != Integer.class) {
                        throw new ExtensionConfigurationException("@MnemosPort field " + field.getName() + " must be an int");
                    }
                    field.setAccessible(true);
                    field.set(instance, server.port());
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MnemosServer.class
                || (parameter.isAnnotated(MnemosPort.class) && (type == int.class || type == Integer.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        MnemosServer current = server();
        if (parameter.getParameter().getType() == MnemosServer.class) {
            return current;
        }
        if (parameter.isAnnotated(MnemosPort.class)) {
            return current.port();
        }
        throw new ParameterResolutionException("Unsupported parameter " + parameter.getParameter());
    }

    /** Configuration of a {@code @RegisterExtension} instance. */
    public static final class Builder {
        private final Map<String, String> config = new LinkedHashMap<>();
        private boolean perTest;

        private Builder() {
        }

        /** Any redis.conf directive, e.g. {@code config("maxmemory", "64mb")}. */
        public Builder config(String name, String value) {
            config.put(name, value);
            return this;
        }

        /** A new server for every test (default: one per class, emptied before each test). */
        public Builder serverPerTest() {
            perTest = true;
            return this;
        }

        public MnemosExtension build() {
            return new MnemosExtension(new LinkedHashMap<>(config), perTest);
        }
    }
}
