package dev.libraryevents.library.store;

/**
 * A transaction was cancelled because something it depends on changed since it was read (a condition failed or
 * another transaction held the items). Nothing was written; the caller reads again and decides again.
 */
public class ConcurrentChange extends RuntimeException {

    public ConcurrentChange(String reasons) {
        super(reasons, null, false, false);
    }
}
