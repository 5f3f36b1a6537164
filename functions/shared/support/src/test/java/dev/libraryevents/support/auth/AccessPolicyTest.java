package dev.libraryevents.support.auth;

import static dev.libraryevents.support.auth.AccessPolicy.Verdict.ALLOW;
import static dev.libraryevents.support.auth.AccessPolicy.Verdict.FORBIDDEN;
import static dev.libraryevents.support.auth.AccessPolicy.Verdict.NOT_FOUND;
import static dev.libraryevents.support.auth.AccessPolicy.Verdict.UNAUTHORIZED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.support.auth.AccessPolicy.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** docs/design.md §4a as a table: every route × nobody, a member on their own, a member on another's, a librarian. */
class AccessPolicyTest {

    private static final Caller MEMBER = Caller.member("member-sub", "member@example.org");
    private static final Caller LIBRARIAN = Caller.librarian("librarian-sub", "librarian@example.org");

    /** route → verdicts for: anonymous, member on self, member on another, librarian. */
    private static final Map<String, List<Verdict>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("GET /books", List.of(UNAUTHORIZED, ALLOW, ALLOW, ALLOW));
        EXPECTED.put("POST /books", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /books/{bookId}", List.of(UNAUTHORIZED, ALLOW, ALLOW, ALLOW));
        EXPECTED.put("GET /books/{bookId}/borrowings", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /users", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("POST /users", List.of(UNAUTHORIZED, ALLOW, ALLOW, ALLOW));
        EXPECTED.put("GET /users/{userId}", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("GET /users/{userId}/borrowings", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("POST /users/{userId}/suspend", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("POST /users/{userId}/reinstate", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("DELETE /users/{userId}/personal-data", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("POST /users/{userId}/data-exports", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("GET /users/{userId}/data-exports/{exportId}", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("POST /borrowings", List.of(UNAUTHORIZED, ALLOW, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /borrowings/{borrowingId}", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("POST /borrowings/{borrowingId}/return", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("POST /borrowings/{borrowingId}/renew", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("GET /books/{bookId}/holds", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /users/{userId}/holds", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("POST /holds", List.of(UNAUTHORIZED, ALLOW, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /holds/{holdId}", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("DELETE /holds/{holdId}", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("GET /users/{userId}/notifications", List.of(UNAUTHORIZED, ALLOW, NOT_FOUND, ALLOW));
        EXPECTED.put("GET /reports/usage", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        for (String entity : List.of("books", "users", "borrowings", "holds")) {
            EXPECTED.put("GET /audit/" + entity + "/{id}", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
            EXPECTED.put("GET /audit/" + entity + "/{id}/state", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        }
        EXPECTED.put("POST /audit/snapshots", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /audit/snapshots/{snapshotId}", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
        EXPECTED.put("GET /traces/{correlationId}", List.of(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, ALLOW));
    }

    @Test
    void shouldDecideEveryRouteForEveryKindOfCaller_asDesignSection4aSays() {
        Map<String, List<Verdict>> actual = new LinkedHashMap<>();
        AccessPolicy.routes().forEach((route, rule) -> {
            // "Own" and "another's" differ only where the rule has an owner; elsewhere both see the same verdict.
            Optional<String> self = Optional.of(MEMBER.sub());
            Optional<String> another = Optional.of("someone-else");
            actual.put(route, List.of(
                    AccessPolicy.decide(rule, Optional.empty(), self),
                    AccessPolicy.decide(rule, Optional.of(MEMBER), self),
                    AccessPolicy.decide(rule, Optional.of(MEMBER), another),
                    AccessPolicy.decide(rule, Optional.of(LIBRARIAN), another)));
        });

        assertThat(actual).containsExactlyEntriesOf(EXPECTED);
    }

    @Test
    void shouldLeaveARequestNamingNobodyToItsRoute_whichAnswersItsOwn400Or404() {
        for (AccessPolicy.Rule rule : List.of(AccessPolicy.Rule.OWN_RESOURCE, AccessPolicy.Rule.ON_OWN_BEHALF)) {
            assertThat(AccessPolicy.decide(rule, Optional.of(MEMBER), Optional.empty())).as(rule.name())
                    .isEqualTo(ALLOW);
        }
    }

    @Test
    void shouldReadTheCallerFromTheClaimsAsTheRestApiPassesThem() {
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("sub", "s-1", "email", "a@example.org"));
        assertThat(Caller.fromClaims(claims)).contains(Caller.member("s-1", "a@example.org"));

        for (String groups : List.of("librarians", "readers,librarians", "[readers librarians]")) {
            claims.put("cognito:groups", groups);
            assertThat(Caller.fromClaims(claims)).as(groups).contains(Caller.librarian("s-1", "a@example.org"));
        }
        claims.put("cognito:groups", "librarians-in-training");
        assertThat(Caller.fromClaims(claims)).as("a group is named whole").contains(Caller.member("s-1",
                "a@example.org"));
        claims.put("cognito:groups", List.of("librarians"));
        assertThat(Caller.fromClaims(claims).map(Caller::isLibrarian)).contains(true);

        assertThat(Caller.fromClaims(null)).isEmpty();
        assertThat(Caller.fromClaims(Map.of("email", "a@example.org"))).as("no sub").isEmpty();
        assertThat(Caller.fromClaims(Map.of("sub", " "))).as("a blank sub").isEmpty();
        assertThat(Caller.fromClaims(Map.of("sub", 42))).as("a sub that is not text").isEmpty();
    }

    @Test
    void shouldNameTheActorOfEveryEventTheCallerCauses() {
        assertThat(MEMBER.actor().role()).isEqualTo("member");
        assertThat(MEMBER.actor().sub()).isEqualTo("member-sub");
        assertThat(LIBRARIAN.actor().role()).isEqualTo("librarian");
    }
}
