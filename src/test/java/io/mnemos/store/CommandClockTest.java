package io.mnemos.store;

import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Time stands still while a command runs, as Redis's cached time in call(). */
class CommandClockTest {
    @Test
    void timeIsFrozenFromTheOutermostCommandUntilItEnds() {
        ManualClock source = new ManualClock(1_000);
        CommandClock clock = new CommandClock(source);
        assertEquals(1_000, clock.millis());
        clock.commandStarted(0);
        source.advance(50);
        assertEquals(1_000, clock.millis());
        clock.commandStarted(0); // a command of EXEC or of a script
        source.advance(50);
        clock.commandDone();
        assertEquals(1_000, clock.millis());
        clock.commandDone();
        assertEquals(1_100, clock.millis());
    }

    @Test
    void systemTimeDerivedFromTheCommandsNanoTimeIsNeverAheadOfTheWallClockNorAMillisecondBehind() {
        // Never ahead: a Redis replica caps a delivery time a master stamped (XCLAIM ... TIME) at
        // its own clock, so a master a millisecond ahead made replicas diverge.
        CommandClock clock = new CommandClock(Clock.SYSTEM);
        long end = System.nanoTime() + 3 * CommandClock.RESYNC_NANOS + 50_000_000L;
        while (System.nanoTime() < end) { // crosses several resynchronisations
            long before = System.currentTimeMillis();
            clock.commandStarted(System.nanoTime());
            long frozen = clock.millis();
            clock.commandDone();
            long after = System.currentTimeMillis();
            assertTrue(frozen >= before - 1 && frozen <= after, before + " <= " + frozen + " <= " + after);
        }
    }
}
