package dev.libraryevents.library.domain;

import java.util.Locale;

/** Why the library refuses a well-formed command; each is a 409 problem whose slug is its name in kebab case. */
public enum Rejection {
    NO_COPIES_AVAILABLE,
    USER_SUSPENDED,
    LOAN_LIMIT_REACHED,
    ALREADY_BORROWED,
    ALREADY_RETURNED,
    RENEWAL_LIMIT_REACHED,
    ALREADY_SUSPENDED,
    EMAIL_TAKEN,
    ALREADY_REGISTERED,
    NOT_SUSPENDED,
    USER_ERASED,
    HOLD_PENDING,
    COPIES_AVAILABLE,
    ALREADY_HELD,
    HOLD_LIMIT_REACHED,
    HOLD_CLOSED;

    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
