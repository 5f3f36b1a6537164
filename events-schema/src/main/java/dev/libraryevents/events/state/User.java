package dev.libraryevents.events.state;

import java.time.Instant;

/**
 * A registered user.
 *
 * @param sequence how many User events this user has had; the next one is {@code sequence + 1}
 */
public record User(String userId, String name, String email, Status status, int activeLoans, Instant registeredAt,
                   long sequence) {

    public enum Status { ACTIVE, SUSPENDED }

    public User withActiveLoans(int activeLoans) {
        return new User(userId, name, email, status, activeLoans, registeredAt, sequence);
    }

    public User suspended(long sequence) {
        return new User(userId, name, email, Status.SUSPENDED, activeLoans, registeredAt, sequence);
    }

    public User reinstated(long sequence) {
        return new User(userId, name, email, Status.ACTIVE, activeLoans, registeredAt, sequence);
    }
}
