package dev.libraryevents.library.domain;

/** A command or query names a book, user or borrowing that does not exist. */
public class NotFound extends RuntimeException {

    public NotFound(String entity, String id) {
        super(entity + " " + id + " does not exist", null, false, false);
    }
}
