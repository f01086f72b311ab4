package io.mnemos.server;

/**
 * What a connection has received and not run yet, described as Redis's query buffer would hold it,
 * for CLIENT LIST (qbuf, qbuf-free, argv-mem, tot-mem), client eviction and INFO's
 * client_recent_max_input_buffer. Mnemos parses as bytes arrive; Redis parses a request only when
 * it can run it, so behind a blocked or postponed request the rest is still raw bytes there.
 */
public interface QueryBuffer {
    /** The memory the input claims: a request arriving (a big bulk counted whole) and held requests. */
    long memory();

    /** CLIENT LIST's qbuf: the bytes Redis would hold unparsed. */
    long unparsedBytes();

    /**
     * The caller's qbuf: Redis trims its query buffer only after running all it read, so while a
     * command runs the buffer holds the whole read it came in (the commands before and after it).
     */
    long runningBatchBytes();

    /** The declared length of a big bulk (32 KB or more) arriving, which Redis sizes the buffer to; else 0. */
    long bigBulkAllocation();

    /** The arguments of a request still arriving that Redis would have parsed already, or null. */
    byte[][] parsedArguments();
}
