package dev.libraryevents.support.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who may call what (docs/design.md §4a), for every route of every service, in one table and one pure decision. Each
 * API function applies it before a route runs ({@code HttpApi}); a route missing from the table cannot be served.
 *
 * <table>
 *   <caption>the rules</caption>
 *   <tr><th>rule</th><th>librarian</th><th>member</th></tr>
 *   <tr><td>LIBRARIANS</td><td>allow</td><td>403</td></tr>
 *   <tr><td>SIGNED_IN</td><td>allow</td><td>allow</td></tr>
 *   <tr><td>OWN_RESOURCE</td><td>allow</td><td>allow on their own; another's: 404, existence not revealed</td></tr>
 *   <tr><td>ON_OWN_BEHALF</td><td>allow</td><td>allow for themself; for another: 403</td></tr>
 * </table>
 * Nobody signed in: 401, whatever the rule.
 */
public final class AccessPolicy {

    public enum Rule {
        LIBRARIANS,
        SIGNED_IN,
        /** The resource belongs to a user (the owner); a member sees only their own. */
        OWN_RESOURCE,
        /** The request acts for a user it names (the owner); a member acts only for themself. */
        ON_OWN_BEHALF;

        public boolean hasOwner() {
            return this == OWN_RESOURCE || this == ON_OWN_BEHALF;
        }
    }

    public enum Verdict { ALLOW, UNAUTHORIZED, FORBIDDEN, NOT_FOUND }

    /** "METHOD /template" → rule; the templates are the routers' own. */
    private static final Map<String, Rule> ROUTES = new LinkedHashMap<>();

    static {
        // Library
        ROUTES.put("GET /books", Rule.SIGNED_IN); // the catalog and its search (§4c)
        ROUTES.put("POST /books", Rule.LIBRARIANS);
        ROUTES.put("GET /books/{bookId}", Rule.SIGNED_IN);
        ROUTES.put("GET /books/{bookId}/borrowings", Rule.LIBRARIANS);
        ROUTES.put("GET /users", Rule.LIBRARIANS);
        ROUTES.put("POST /users", Rule.SIGNED_IN); // a member registers themself, a librarian a walk-in patron
        ROUTES.put("GET /users/{userId}", Rule.OWN_RESOURCE);
        ROUTES.put("GET /users/{userId}/borrowings", Rule.OWN_RESOURCE);
        ROUTES.put("POST /users/{userId}/suspend", Rule.LIBRARIANS);
        ROUTES.put("POST /users/{userId}/reinstate", Rule.LIBRARIANS);
        ROUTES.put("DELETE /users/{userId}/personal-data", Rule.OWN_RESOURCE); // a member erases themself (§4b)
        ROUTES.put("POST /users/{userId}/data-exports", Rule.OWN_RESOURCE); // … and exports their data
        ROUTES.put("GET /users/{userId}/data-exports/{exportId}", Rule.OWN_RESOURCE);
        ROUTES.put("POST /borrowings", Rule.ON_OWN_BEHALF);
        ROUTES.put("GET /borrowings/{borrowingId}", Rule.OWN_RESOURCE);
        ROUTES.put("POST /borrowings/{borrowingId}/return", Rule.OWN_RESOURCE);
        ROUTES.put("POST /borrowings/{borrowingId}/renew", Rule.OWN_RESOURCE);
        ROUTES.put("GET /books/{bookId}/holds", Rule.LIBRARIANS); // the queue, in order (§4d)
        ROUTES.put("GET /users/{userId}/holds", Rule.OWN_RESOURCE);
        ROUTES.put("POST /holds", Rule.ON_OWN_BEHALF);
        ROUTES.put("GET /holds/{holdId}", Rule.OWN_RESOURCE);
        ROUTES.put("DELETE /holds/{holdId}", Rule.OWN_RESOURCE);
        // Notification
        ROUTES.put("GET /users/{userId}/notifications", Rule.OWN_RESOURCE);
        // Analytics
        ROUTES.put("GET /reports/usage", Rule.LIBRARIANS);
        // Audit: whole histories of everyone, so librarians only
        for (String entity : new String[] {"books", "users", "borrowings", "holds"}) {
            ROUTES.put("GET /audit/" + entity + "/{id}", Rule.LIBRARIANS);
            ROUTES.put("GET /audit/" + entity + "/{id}/state", Rule.LIBRARIANS);
        }
        ROUTES.put("POST /audit/snapshots", Rule.LIBRARIANS);
        ROUTES.put("GET /audit/snapshots/{snapshotId}", Rule.LIBRARIANS);
        ROUTES.put("GET /traces/{correlationId}", Rule.LIBRARIANS);
    }

    private AccessPolicy() {}

    /** Every route the table knows, in the order of docs/design.md §4, with its rule. */
    public static Map<String, Rule> routes() {
        return Collections.unmodifiableMap(ROUTES);
    }

    public static Optional<Rule> rule(String method, String template) {
        return Optional.ofNullable(ROUTES.get(method + " " + template));
    }

    /**
     * The verdict on one request.
     *
     * @param caller who signed in; empty when nobody did
     * @param owner  for the rules that have one, the user the resource belongs to or the request acts for; empty
     *               when the request names none or it does not exist (the route then answers 400 or 404 itself)
     */
    public static Verdict decide(Rule rule, Optional<Caller> caller, Optional<String> owner) {
        if (caller.isEmpty()) {
            return Verdict.UNAUTHORIZED;
        }
        if (caller.get().isLibrarian()) {
            return Verdict.ALLOW;
        }
        String sub = caller.get().sub();
        return switch (rule) {
            case LIBRARIANS -> Verdict.FORBIDDEN;
            case SIGNED_IN -> Verdict.ALLOW;
            case OWN_RESOURCE -> owner.isEmpty() || owner.get().equals(sub) ? Verdict.ALLOW : Verdict.NOT_FOUND;
            case ON_OWN_BEHALF -> owner.isEmpty() || owner.get().equals(sub) ? Verdict.ALLOW : Verdict.FORBIDDEN;
        };
    }
}
