package dev.libraryevents.library.store;

/** A page was asked to start at a key that is not a position in that list (a cursor of another list, or forged). */
public final class InvalidPosition extends RuntimeException {

    InvalidPosition(String detail) {
        super(detail, null, false, false);
    }
}
