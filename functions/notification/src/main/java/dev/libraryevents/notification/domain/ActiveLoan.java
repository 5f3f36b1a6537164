package dev.libraryevents.notification.domain;

import java.time.Instant;

/** The notification service's own view of a loan that has not come back, kept from BookBorrowed/BookReturned. */
public record ActiveLoan(String borrowingId, String userId, String bookTitle, Instant dueAt) {}
