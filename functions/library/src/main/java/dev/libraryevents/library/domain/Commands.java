package dev.libraryevents.library.domain;

/** What a client asks of the library, already checked for shape and ranges by the API layer. */
public final class Commands {

    private Commands() {}

    /** @param isbn digits only, or null */
    public record AddBook(String title, String author, String isbn, int copies) {}

    public record RegisterUser(String name, String email) {}

    public record BorrowBook(String userId, String bookId) {}

    /** @param reason may be null */
    public record SuspendUser(String userId, String reason) {}
}
