package dev.libraryevents.support.http;

import java.util.List;

/**
 * An RFC 9457 problem (docs/design.md §4): {@code type} is {@code urn:problem:<slug>}.
 *
 * @param errors the fields a {@code validation-failed} problem is about; empty otherwise
 */
public record Problem(String slug, String title, int status, String detail, List<FieldError> errors) {

    public record FieldError(String field, String message) {}

    /** Details echo what the client sent (a path, an id): bounded, so a 200 KB path is not answered in kind. */
    static final int MAX_DETAIL = 300;

    public Problem {
        errors = List.copyOf(errors);
        if (detail != null && detail.length() > MAX_DETAIL) {
            int cut = Character.isHighSurrogate(detail.charAt(MAX_DETAIL - 1)) ? MAX_DETAIL - 1 : MAX_DETAIL;
            detail = detail.substring(0, cut) + "… (" + detail.length() + " characters in all)";
        }
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(slug, title, status, detail, List.of());
    }

    public static Problem validationFailed(List<FieldError> errors) {
        return new Problem("validation-failed", "Validation failed", 400,
                errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid", errors);
    }

    public static Problem notFound(String what) {
        return of(404, "not-found", "Not found", what + " does not exist");
    }

    public static Problem conflict(String slug, String title, String detail) {
        return of(409, slug, title, detail);
    }

    public String type() {
        return "urn:problem:" + slug;
    }
}
