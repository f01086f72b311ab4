package io.mnemos.scripting;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The same busy-mode behaviour where the JDK's continuations are closed to Mnemos (an embedding
 * JVM started without the jar's Add-Exports): every script is handed to the script thread and the
 * keyspace thread waits for it up to busy-reply-threshold.
 */
class ScriptBusyOnScriptThreadTest extends ScriptBusyOverTcpTest {
    private boolean before;

    @BeforeEach
    void handEveryScriptToTheScriptThread() {
        before = Scripting.resumableScripts;
        Scripting.resumableScripts = false;
    }

    @AfterEach
    void restore() {
        Scripting.resumableScripts = before;
    }
}
