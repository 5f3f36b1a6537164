package dev.libraryevents.support.http;

import java.util.UUID;
import java.util.regex.Pattern;

/** docs/design.md §4: a caller's correlation id is kept when it is 1–128 of {@code [A-Za-z0-9._-]}, else a new one is
 * made. */
public final class CorrelationIds {

    public static final String HEADER = "X-Correlation-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private CorrelationIds() {}

    public static String acceptOrCreate(String fromCaller) {
        return fromCaller != null && ACCEPTED.matcher(fromCaller).matches()
                ? fromCaller : UUID.randomUUID().toString();
    }
}
