package dev.libraryevents.events.state;

import java.time.Instant;

/** A title in the catalog and how many of its copies are on the shelf. */
public record Book(String bookId, String title, String author, String isbn, int totalCopies, int availableCopies,
                   Instant addedAt) {

    public Book withAvailableCopies(int availableCopies) {
        return new Book(bookId, title, author, isbn, totalCopies, availableCopies, addedAt);
    }
}
