package dev.libraryevents.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A signed-in caller as API Gateway's Cognito authorizer hands it to a function: the ID token's claims, every value a
 * string, under {@code requestContext.authorizer.claims} (docs/design.md §4a). For tests that call a handler directly.
 *
 * @param groups the {@code cognito:groups} claim as the REST API passes it (comma-separated), or null
 */
public record SignedIn(String sub, String email, String groups) {

    public static SignedIn librarian() {
        String sub = UUID.randomUUID().toString();
        return new SignedIn(sub, "librarian-" + sub + "@example.org", "librarians");
    }

    /** A member who signed up and has not yet necessarily registered with the library. */
    public static SignedIn member() {
        String sub = UUID.randomUUID().toString();
        return new SignedIn(sub, "member-" + sub + "@example.org", null);
    }

    public Map<String, Object> claims() {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", sub);
        claims.put("email", email);
        claims.put("email_verified", "true");
        claims.put("token_use", "id");
        if (groups != null) {
            claims.put("cognito:groups", groups);
        }
        return claims;
    }

    public ProxyRequestContext requestContext() {
        Map<String, Object> authorizer = new HashMap<>();
        authorizer.put("claims", claims());
        ProxyRequestContext context = new ProxyRequestContext().withRequestId(UUID.randomUUID().toString());
        context.setAuthorizer(authorizer);
        return context;
    }
}
