package dev.libraryevents.notification.domain;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.HoldExpired;
import dev.libraryevents.events.EventData.HoldReady;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.EventData.DataExportCompleted;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventData.UserReinstated;
import dev.libraryevents.events.EventData.UserSuspended;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.notification.domain.Notification.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;

/** Which notification each event or due date calls for, and its words. Pure: no clock, no I/O. */
public final class Notifications {

    /** A loan due within this window gets a reminder. */
    public static final Duration REMINDER_WINDOW = Duration.ofDays(2);

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private Notifications() {}

    public static Optional<Notification> forEvent(EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof UserRegistered registered) {
            return Optional.of(fromEvent(event, registered.userId(), Kind.WELCOME,
                    "Welcome to the library, " + registered.name() + "!"));
        }
        if (data instanceof BookBorrowed borrowed) {
            return Optional.of(fromEvent(event, borrowed.userId(), Kind.BORROW_CONFIRMATION,
                    "You borrowed \"" + borrowed.bookTitle() + "\". Please return it by " + day(borrowed.dueAt())
                            + "."));
        }
        if (data instanceof LoanRenewed renewed) {
            return Optional.of(fromEvent(event, renewed.userId(), Kind.RENEWAL_CONFIRMATION,
                    "You renewed \"" + renewed.bookTitle() + "\". Please return it by " + day(renewed.dueAt())
                            + "."));
        }
        if (data instanceof BookReturned returned) {
            return Optional.of(fromEvent(event, returned.userId(), Kind.RETURN_CONFIRMATION,
                    "Thank you for returning \"" + returned.bookTitle() + "\"."
                            + (returned.overdue() ? " It was overdue: it was due on " + day(returned.dueAt()) + "."
                            : "")));
        }
        if (data instanceof HoldReady ready) {
            return Optional.of(fromEvent(event, ready.userId(), Kind.HOLD_READY,
                    "\"" + ready.bookTitle() + "\" is waiting for you. Please collect it by "
                            + minute(ready.pickupBy()) + "."));
        }
        if (data instanceof HoldExpired expired) {
            return Optional.of(fromEvent(event, expired.userId(), Kind.HOLD_EXPIRED,
                    "Your hold on \"" + expired.bookTitle() + "\" has expired: it was not collected by "
                            + minute(expired.pickupBy()) + "."));
        }
        if (data instanceof DataExportCompleted completed) {
            return Optional.of(fromEvent(event, completed.userId(), Kind.DATA_EXPORT_READY,
                    "Your data export is ready: GET /users/" + completed.userId() + "/data-exports/"
                            + completed.exportId() + " gives a link to it, for 7 days."));
        }
        if (data instanceof UserSuspended suspended) {
            return Optional.of(fromEvent(event, suspended.userId(), Kind.ACCOUNT_SUSPENDED,
                    "Your account has been suspended" + (suspended.reason() == null ? "." : ": " + suspended.reason()
                            + ".") + " You can still return the books you hold."));
        }
        if (data instanceof UserReinstated reinstated) {
            return Optional.of(fromEvent(event, reinstated.userId(), Kind.ACCOUNT_REINSTATED,
                    "Your account is active again: you may borrow books."));
        }
        return Optional.empty();
    }

    /** The reminder a loan calls for at {@code now}, if any: overdue, or due within {@link #REMINDER_WINDOW}. */
    public static Optional<Notification> reminder(ActiveLoan loan, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Kind kind;
        String message;
        if (loan.dueAt().isBefore(now)) {
            kind = Kind.OVERDUE_NOTICE;
            message = "\"" + loan.bookTitle() + "\" was due on " + day(loan.dueAt()) + ". Please return it.";
        } else if (!loan.dueAt().isAfter(now.plus(REMINDER_WINDOW))) {
            kind = Kind.DUE_REMINDER;
            message = "\"" + loan.bookTitle() + "\" is due on " + day(loan.dueAt()) + ".";
        } else {
            return Optional.empty();
        }
        String id = deterministicId(loan.borrowingId() + "/" + kind + "/" + today);
        return Optional.of(new Notification(id, loan.userId(), kind, message, now, null, "reminders-" + today));
    }

    private static Notification fromEvent(EventEnvelope event, String userId, Kind kind, String message) {
        return new Notification(deterministicId(event.eventId() + "/" + kind), userId, kind, message,
                event.occurredAt(), event.eventId(), event.correlationId());
    }

    private static String deterministicId(String cause) {
        return UUID.nameUUIDFromBytes(cause.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    /** A pickup time, to the minute: a window may be as short as a test's 20 seconds, or three days. */
    private static String minute(Instant instant) {
        return MINUTE.format(instant.atOffset(ZoneOffset.UTC));
    }
}
