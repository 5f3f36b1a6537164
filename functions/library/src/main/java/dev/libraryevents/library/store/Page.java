package dev.libraryevents.library.store;

import java.util.List;
import java.util.Map;

/**
 * One page of a list, and where the next starts: the key of the last row the walk looked at, null after the last
 * page. The API makes it the opaque {@code nextCursor}.
 */
public record Page<T>(List<T> items, Map<String, String> next) {

    public Page {
        items = List.copyOf(items);
        next = next == null ? null : Map.copyOf(next);
    }
}
