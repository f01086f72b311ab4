package io.mnemos.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** INFO's client_recent_max_* figures: the biggest sample of the last eight seconds. */
class ClientsPeakMemoryTest {
    @Test
    void theBiggestSampleOfAnyRecentSecondIsReported() {
        ClientsPeakMemory peaks = new ClientsPeakMemory();
        peaks.startSecond(1000);
        peaks.observe(20480, 5_000_000);
        peaks.observe(300_000, 0);
        peaks.startSecond(1001);
        peaks.observe(20480, 100);
        assertEquals(300_000, peaks.recentMaxInput());
        assertEquals(5_000_000, peaks.recentMaxOutput());
    }

    @Test
    void aSampleIsForgottenWhenItsSlotComesRoundAgain() {
        ClientsPeakMemory peaks = new ClientsPeakMemory();
        peaks.startSecond(1000);
        peaks.observe(300_000, 5_000_000);
        for (long second = 1001; second <= 1006; second++) {
            peaks.startSecond(second);
            peaks.observe(20480, 0);
        }
        assertEquals(300_000, peaks.recentMaxInput(), "seven seconds later it is still recent");
        // Second 1007 clears the slot that second 1008 will use, which is second 1000's.
        peaks.startSecond(1007);
        assertEquals(20480, peaks.recentMaxInput());
        assertEquals(0, peaks.recentMaxOutput());
    }

    @Test
    void aSecondTheCronSkippedLeavesItsOldSlotAsItWas() {
        // Redis's note: a slow command may make the index jump; stale slots are harmless.
        ClientsPeakMemory peaks = new ClientsPeakMemory();
        peaks.startSecond(1003);
        peaks.observe(100, 0);
        peaks.startSecond(1000);
        peaks.observe(50, 0);
        assertEquals(100, peaks.recentMaxInput());
    }
}
