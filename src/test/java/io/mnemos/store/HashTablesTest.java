package io.mnemos.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HashTablesTest {
    @Test
    void capacityIsTheSmallestPowerOfTwoOfAtLeastFourThatHoldsTheEntries() {
        assertEquals(4, HashTables.capacityFor(0));
        assertEquals(4, HashTables.capacityFor(4));
        assertEquals(8, HashTables.capacityFor(5));
        assertEquals(1024, HashTables.capacityFor(1000));
    }

    @Test
    void shrinksOnlyBelowTenPercentFillAndNeverBelowFourBuckets() {
        assertEquals(0, HashTables.shrinkTo(4, 0), "already minimal");
        assertEquals(0, HashTables.shrinkTo(64, 7), "7 of 64 is over 10%");
        assertEquals(8, HashTables.shrinkTo(64, 6));
        assertEquals(4, HashTables.shrinkTo(64, 0));
        assertEquals(0, HashTables.shrinkTo(1024, 103));
        assertEquals(128, HashTables.shrinkTo(1024, 102));
    }
}
