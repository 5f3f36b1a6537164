package dev.libraryevents.library.domain;

/** What a client asks of the library, already checked for shape and ranges by the API layer. */
public final class Commands {

    private Commands() {}

    /** @param isbn digits only, or null */
    public record AddBook(String title, String author, String isbn, int copies) {}

    /** @param userId the member's own sign-in id when they register themself; null for a walk-in patron */
    public record RegisterUser(String userId, String name, String email) {

        public static RegisterUser walkIn(String name, String email) {
            return new RegisterUser(null, name, email);
        }

        public static RegisterUser self(String sub, String name, String email) {
            return new RegisterUser(sub, name, email);
        }
    }

    public record BorrowBook(String userId, String bookId) {}

    /** @param reason may be null */
    public record SuspendUser(String userId, String reason) {}
}
