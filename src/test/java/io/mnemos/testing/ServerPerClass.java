package io.mnemos.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Mnemos server for all tests of a class: started before the first test, stopped after the last.
 * <pre>
 * &#64;RegisterExtension
 * static final ServerPerClass server = new ServerPerClass();   // or new ServerPerClass("--flag", "value")
 * ... new Jedis(server.host(), server.port()) ...</pre>
 */
public final class ServerPerClass implements BeforeAllCallback, AfterAllCallback {
    private final String[] flags;
    private RunningServer running;
    /** The class whose beforeAll started the server (@Nested classes share it). */
    private Class<?> owner;

    public ServerPerClass(String... flags) {
        this.flags = flags.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (running == null) {
            running = RunningServer.start(flags);
            owner = context.getRequiredTestClass();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (running != null && context.getRequiredTestClass() == owner) {
            running.close();
            running = null;
        }
    }

    public String host() {
        return running.host();
    }

    public int port() {
        return running.port();
    }

    /** The server object itself, to inspect its state. */
    public io.mnemos.server.Server server() {
        return running.server();
    }
}
