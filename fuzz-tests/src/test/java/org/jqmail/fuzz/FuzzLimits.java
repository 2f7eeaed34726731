package org.jqmail.fuzz;

/** What every target shares. */
final class FuzzLimits {
    /**
     * How long one target fuzzes under JAZZER_FUZZ=1 (regression runs ignore it). An annotation value
     * must be a constant, so a longer run is a change here (docs/RELIABILITY.md "Fuzzing").
     */
    static final String MAX_DURATION = "2m";

    private FuzzLimits() {}
}
