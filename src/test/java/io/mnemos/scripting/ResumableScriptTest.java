package io.mnemos.scripting;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A script started on one thread, suspended there, and finished on another. */
class ResumableScriptTest {
    @Test
    void theBuildOpensTheJdksContinuationsToMnemos() {
        // Surefire's argLine and the jar's manifest both carry the Add-Exports: without it every
        // script would pay the script-thread hand-over.
        assertTrue(ResumableScript.AVAILABLE);
        assertTrue(Scripting.resumableScripts);
    }

    @Test
    void aSuspendedScriptGoesOnWhereItStoppedOnAnotherThread() throws Exception {
        List<String> steps = new ArrayList<>();
        Thread[] ranOn = new Thread[2];
        ResumableScript script = new ResumableScript(() -> {
            ranOn[0] = Thread.currentThread();
            steps.add("before");
            assertTrue(ResumableScript.suspend());
            ranOn[1] = Thread.currentThread();
            steps.add("after");
        });
        script.run();
        assertFalse(script.isDone());
        assertEquals(List.of("before"), steps);
        assertSame(Thread.currentThread(), ranOn[0]);

        CompletableFuture.runAsync(script::run).get(10, TimeUnit.SECONDS);
        assertTrue(script.isDone());
        assertEquals(List.of("before", "after"), steps);
        assertNotSame(Thread.currentThread(), ranOn[1]);
    }

    @Test
    void aScriptThatNeverSuspendsEndsInItsFirstRun() {
        int[] calls = {0};
        ResumableScript script = new ResumableScript(() -> calls[0]++);
        script.run();
        assertTrue(script.isDone());
        assertEquals(1, calls[0]);
    }

    @Test
    void outsideAScriptThereIsNothingToSuspend() {
        assertFalse(ResumableScript.suspend());
    }

    @Test
    void aScriptHoldingAMonitorIsNotSuspendedAndRunsOn() {
        Object lock = new Object();
        boolean[] suspended = {true};
        ResumableScript script = new ResumableScript(() -> {
            synchronized (lock) {
                suspended[0] = ResumableScript.suspend();
            }
        });
        script.run();
        // Pinned on JDK 21-23; JDK 24 and later (JEP 491) suspend with a monitor held too.
        if (!suspended[0]) {
            assertTrue(script.isDone());
        } else {
            assertFalse(script.isDone());
            script.run();
            assertTrue(script.isDone());
        }
    }

    @Test
    void namingCoroutinesKeepsAScriptOnTheScriptThread() {
        assertTrue(Scripting.resumable("return redis.call('get', KEYS[1])".getBytes()));
        assertFalse(Scripting.resumable("local co = coroutine.create(function() end)".getBytes()));
    }
}
