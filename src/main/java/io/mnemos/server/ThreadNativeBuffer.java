package io.mnemos.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

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

    @Override
    protected void onRemoval(ByteBuf buffer) {
        buffer.release();
    }
}
