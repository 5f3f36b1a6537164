package dev.libraryevents.library.domain;

/** A command the rules refuse: nothing is written and no event is emitted. */
public class CommandRejected extends RuntimeException {

    private final Rejection rejection;

    public CommandRejected(Rejection rejection, String detail) {
        super(detail, null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
