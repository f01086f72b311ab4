package io.mnemos.store;

/**
 * A value that can estimate its own memory footprint for MEMORY USAGE, in Redis's terms (the
 * bytes Redis would allocate for the object and its nested elements, sampling at most
 * {@code samples} elements; 0 means all).
 */
public interface SizedValue {
    long estimatedBytes(int samples);
}
