package dev.libraryevents.events;

/**
 * One reason an event is invalid.
 *
 * @param field the JSON path of the offending field, such as {@code $.data.title}
 */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
