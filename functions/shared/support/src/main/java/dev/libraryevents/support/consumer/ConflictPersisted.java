package dev.libraryevents.support.consumer;

/** An effect kept losing races for the same items; the message is retried later. */
final class ConflictPersisted extends RuntimeException {

    ConflictPersisted(String message) {
        super(message, null, false, false);
    }
}
