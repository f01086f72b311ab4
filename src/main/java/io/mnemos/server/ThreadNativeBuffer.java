package io.mnemos.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.LoggerFactory;

/**
 * One native buffer of a fixed size per event-loop thread, kept as long as the thread lives and
 * released when Netty removes the thread's locals as the loop ends.
 */
final class ThreadNativeBuffer extends FastThreadLocal<ByteBuf> {
    private final int capacity;

    ThreadNativeBuffer(int capacity) {
        this.capacity = capacity;
    }

    @Override
    protected ByteBuf initialValue() {
        return UnpooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    }

    /**
     * Netty completes the event loop's termination only after the thread's locals are removed: a
     * release that throws here (a buffer already released) would leave SHUTDOWN and SIGTERM waiting
     * forever, so an unexpected count is logged instead.
     */
    @Override
    protected void onRemoval(ByteBuf buffer) {
        if (buffer.refCnt() == 1) {
            buffer.release();
        } else {
            LoggerFactory.getLogger(ThreadNativeBuffer.class).warn(
                    "Thread buffer of {} bytes has reference count {} at thread exit", capacity, buffer.refCnt());
        }
    }
}
