package io.mnemos.protocol;

/** Receives each complete request as soon as the decoder has it, in arrival order. */
@FunctionalInterface
public interface RequestSink {
    /**
     * @param argv the command name followed by its arguments, never empty
     * @return false to stop decoding (for instance when the connection is about to close)
     */
    boolean onRequest(byte[][] argv);

    /**
     * Whether the connection still has to authenticate. Redis then limits a multibulk to 10
     * arguments and a bulk to 16384 bytes. Asked at every header, since an AUTH earlier in the
     * same pipeline lifts the limits for what follows.
     */
    default boolean authRequired() {
        return false;
    }
}
