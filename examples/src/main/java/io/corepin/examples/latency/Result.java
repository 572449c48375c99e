package io.corepin.examples.latency;

import org.HdrHistogram.Histogram;

/**
 * What one contender measured.
 *
 * @param name the contender's short name
 * @param description what was measured, one line
 * @param placement where its two threads ran
 * @param histogram the measured round trips, in nanoseconds (warm-up excluded)
 * @param allocatedBytesPerRoundTrip bytes its two threads allocated per measured round trip, or -1 if unknown
 * @param seconds wall-clock time of the measured phase
 */
record Result(String name, String description, String placement, Histogram histogram,
              double allocatedBytesPerRoundTrip, double seconds) {

    /** The round trip at {@code percentile} (0-100), in ns. */
    long at(double percentile) {
        return histogram.getValueAtPercentile(percentile);
    }

    /** The longest round trip, in ns (to the histogram's precision). */
    long max() {
        return histogram.getMaxValue();
    }

    /** The number of measured round trips. */
    long count() {
        return histogram.getTotalCount();
    }
}
