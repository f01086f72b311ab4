package io.mnemos.protocol;

/** Receives each complete request as soon as the decoder has it, in arrival order. */
@FunctionalInterface
public interface RequestSink {
    /**
     * @param argv the command name followed by its arguments, never empty
     * @return false to stop decoding (for instance when the connection is about to close)
     */
    boolean onRequest(byte[][] argv);
}
