package io.mnemos.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * The buffer Netty reads a plain client connection into: one native buffer per event-loop thread,
 * handed to every read, where Netty's default allocates a pooled buffer per read and frees it
 * after (a twentieth of the user CPU of an unpipelined GET, by profile). Like Redis's 16 KB read
 * into the query buffer, but bigger, so a deep pipeline takes fewer reads.
 *
 * <p>Sound because {@link ClientHandler} consumes each read whole before it returns (the decoder
 * copies what it parses and keeps an incomplete tail itself) and releases it: the buffer is free
 * again when the next read of any connection on the thread begins. Should anything still hold it,
 * that read gets a buffer of its own. Not for a pipeline whose handlers may keep a read (TLS).
 */
final class SharedReadBuffer extends DefaultMaxMessagesRecvByteBufAllocator {
    static final int CAPACITY = 64 * 1024;
    /** Netty's default for a stream channel: reads per readiness event before others get a turn. */
    private static final int MAX_READS_PER_EVENT = 16;

    private static final ThreadNativeBuffer BUFFER = new ThreadNativeBuffer(CAPACITY);

    SharedReadBuffer() {
        super(MAX_READS_PER_EVENT);
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                ByteBuf shared = BUFFER.get();
                if (shared.refCnt() != 1) {
                    return alloc.ioBuffer(CAPACITY);
                }
                return shared.retain().clear();
            }

            @Override
            public int guess() {
                return CAPACITY;
            }
        };
    }
}
