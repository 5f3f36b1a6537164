package dev.libraryevents.support.auth;

import dev.libraryevents.events.EventEnvelope.Actor;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Who signed the request in (docs/design.md §4a), read from the claims API Gateway's Cognito authorizer passed on in
 * {@code requestContext.authorizer.claims}. The gateway has already checked the token; this only reads it.
 *
 * @param sub   the user's Cognito id; a member's {@code userId} in the library is this
 * @param email the sign-in email, as the token states it (may be null for a librarian created without one)
 */
public record Caller(String sub, String email, Role role) {

    /** The Cognito group whose members are librarians. */
    public static final String LIBRARIANS_GROUP = "librarians";

    public enum Role { LIBRARIAN, MEMBER }

    public static Caller librarian(String sub, String email) {
        return new Caller(sub, email, Role.LIBRARIAN);
    }

    public static Caller member(String sub, String email) {
        return new Caller(sub, email, Role.MEMBER);
    }

    /** The caller the claims describe, or empty when there are none (no authorizer ran) or they name nobody. */
    public static Optional<Caller> fromClaims(Map<?, ?> claims) {
        if (claims == null || !(claims.get("sub") instanceof String sub) || sub.isBlank()) {
            return Optional.empty();
        }
        Object email = claims.get("email");
        Role role = inGroup(claims.get("cognito:groups"), LIBRARIANS_GROUP) ? Role.LIBRARIAN : Role.MEMBER;
        return Optional.of(new Caller(sub, email instanceof String text ? text : null, role));
    }

    public boolean isLibrarian() {
        return role == Role.LIBRARIAN;
    }

    /** The envelope's {@code actor} for every event this caller's request causes. */
    public Actor actor() {
        return role == Role.LIBRARIAN ? Actor.librarian(sub) : Actor.member(sub);
    }

    /**
     * The REST API passes every claim as a string: a list of groups arrives as {@code "a,b"} (and as {@code "[a b]"}
     * from HTTP APIs); a JSON array is accepted too, for a caller that builds the event itself.
     */
    private static boolean inGroup(Object groups, String group) {
        if (groups instanceof Iterable<?> list) {
            for (Object each : list) {
                if (group.equals(each)) {
                    return true;
                }
            }
            return false;
        }
        if (!(groups instanceof String text)) {
            return false;
        }
        String bare = text.strip();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        return Arrays.stream(bare.split("[,\\s]+")).anyMatch(group::equals);
    }
}
