package io.mnemos.protocol;

/**
 * A destination that can take pending reply bytes straight from the reply array, without a buffer
 * of the transport's allocator in between (a socket with nothing queued for it).
 */
@FunctionalInterface
public interface DirectOutput {
    /** @return how many leading bytes of {@code bytes[0, length)} were taken: 0 to length */
    int write(byte[] bytes, int length);
}
