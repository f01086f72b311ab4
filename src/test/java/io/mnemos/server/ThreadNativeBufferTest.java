package io.mnemos.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A thread's native buffer is freed with the thread's locals, and that removal never throws. */
class ThreadNativeBufferTest {
    private static Throwable removeAllOnAThreadThat(ThreadNativeBuffer local, boolean releasesItOnce,
                                                    AtomicReference<ByteBuf> seen) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new FastThreadLocalThread(() -> {
            ByteBuf b = local.get();
            seen.set(b);
            if (releasesItOnce) {
                b.release();
            }
            try {
                // What Netty's event loop does as its thread ends, before it completes termination.
                FastThreadLocal.removeAll();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        return failure.get();
    }

    @Test
    void theBufferIsReleasedWhenTheThreadsLocalsAreRemoved() throws Exception {
        AtomicReference<ByteBuf> seen = new AtomicReference<>();
        assertNull(removeAllOnAThreadThat(new ThreadNativeBuffer(1024), false, seen));
        assertEquals(0, seen.get().refCnt());
    }

    @Test
    void anAlreadyReleasedBufferDoesNotStopTheThreadsEnd() throws Exception {
        // A release that threw here left Netty's termination future incomplete: SIGTERM hung.
        AtomicReference<ByteBuf> seen = new AtomicReference<>();
        assertNull(removeAllOnAThreadThat(new ThreadNativeBuffer(1024), true, seen));
        assertEquals(0, seen.get().refCnt());
    }
}
