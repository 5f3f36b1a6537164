package dev.libraryevents.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until the test moves it, so due dates, reminders and timestamps are exact; or, once told
 * to, one that moves on every read, to show that code reads it once where one instant is meant.
 */
public final class TestClock extends Clock {

    private volatile Instant now;
    private volatile Duration tick = Duration.ZERO;

    public TestClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    public void set(Instant instant) {
        now = instant;
    }

    /** From now on every read is {@code step} later than the one before ({@link Duration#ZERO}: standing still). */
    public void tickOnEveryRead(Duration step) {
        tick = step;
    }

    @Override
    public synchronized Instant instant() {
        Instant read = now;
        now = read.plus(tick);
        return read;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
