package dev.libraryevents.events.state;

import java.time.Instant;

/**
 * A title in the catalog and where its copies are: {@code availableCopies} on the shelf for anyone,
 * {@code onHoldShelf} set aside for READY holds, the rest out on loan; {@code holdsWaiting} counts the PLACED holds
 * queued for the next copy that comes free (docs/design.md §4d), and {@code holdsPlaced} all the holds ever placed on
 * it, which numbers them in their queue.
 */
public record Book(String bookId, String title, String author, String isbn, int totalCopies, int availableCopies,
                   int onHoldShelf, int holdsWaiting, long holdsPlaced, Instant addedAt) {

    /** A new book: every copy on the shelf, nobody waiting. */
    public static Book added(String bookId, String title, String author, String isbn, int copies, Instant addedAt) {
        return new Book(bookId, title, author, isbn, copies, copies, 0, 0, 0, addedAt);
    }

    /** The copies out on loan, as the invariant {@code available + on hold shelf + on loan == total} makes them. */
    public int onLoan() {
        return totalCopies - availableCopies - onHoldShelf;
    }

    /** The counts moved by the given amounts. */
    public Book moved(int available, int shelf, int waiting) {
        return new Book(bookId, title, author, isbn, totalCopies, availableCopies + available, onHoldShelf + shelf,
                holdsWaiting + waiting, holdsPlaced, addedAt);
    }

    /** One more hold placed: the next one's queue number. */
    public Book withHoldPlaced() {
        return new Book(bookId, title, author, isbn, totalCopies, availableCopies, onHoldShelf, holdsWaiting,
                holdsPlaced + 1, addedAt);
    }
}
