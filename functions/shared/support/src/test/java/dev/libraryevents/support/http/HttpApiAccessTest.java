package dev.libraryevents.support.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.libraryevents.testing.SignedIn;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How every API function applies {@link dev.libraryevents.support.auth.AccessPolicy} before a route runs. */
class HttpApiAccessTest {

    private static final Router.Handler OK = request -> ApiResponse.ok(JsonNodeFactory.instance.objectNode());

    @Test
    void shouldRefuseToServeARouteTheAccessPolicyDoesNotKnow() {
        assertThatThrownBy(() -> new HttpApi(new Router().get("/books/{bookId}", OK).post("/books/{bookId}/burn", OK)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("POST /books/{bookId}/burn");
    }

    @Test
    void shouldRefuseARouteForOwnersThatCannotSayWhoseResourceItIs() {
        assertThatThrownBy(() -> new HttpApi(new Router().get("/borrowings/{borrowingId}", OK)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("OWN_RESOURCE");
    }

    @Test
    void shouldNotRunTheRoute_whenTheCallerMayNotCallIt() {
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger ownerLookups = new AtomicInteger();
        HttpApi api = new HttpApi(new Router()
                .post("/books", request -> OK.handle(count(ran, request)))
                .get("/borrowings/{borrowingId}", request -> {
                    ownerLookups.incrementAndGet();
                    return Optional.of("the-borrower");
                }, request -> OK.handle(count(ran, request))));

        var anonymous = api.handle(request("POST", "/books", null));
        var member = api.handle(request("POST", "/books", SignedIn.member()));
        var anothersBorrowing = api.handle(request("GET", "/borrowings/b-1", SignedIn.member()));
        var borrower = api.handle(request("GET", "/borrowings/b-1", new SignedIn("the-borrower", "b@example.org",
                null)));
        var librarian = api.handle(request("GET", "/borrowings/b-1", SignedIn.librarian()));

        assertThat(anonymous.getStatusCode()).isEqualTo(401);
        assertThat(anonymous.getHeaders()).containsEntry("WWW-Authenticate", "Bearer")
                .containsEntry("Content-Type", "application/problem+json");
        assertThat(anonymous.getBody()).contains("urn:problem:unauthorized");
        assertThat(member.getStatusCode()).isEqualTo(403);
        assertThat(member.getBody()).contains("urn:problem:forbidden");
        assertThat(anothersBorrowing.getStatusCode()).isEqualTo(404);
        assertThat(anothersBorrowing.getBody()).contains("borrowing b-1 does not exist");
        assertThat(borrower.getStatusCode()).isEqualTo(200);
        assertThat(librarian.getStatusCode()).isEqualTo(200);
        assertThat(ran).as("only the borrower's and the librarian's requests ran").hasValue(2);
        assertThat(ownerLookups).as("a librarian's request needs no owner").hasValue(2);
    }

    private static ApiRequest count(AtomicInteger ran, ApiRequest request) {
        ran.incrementAndGet();
        return request;
    }

    private static APIGatewayProxyRequestEvent request(String method, String path, SignedIn caller) {
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path)
                .withRequestContext(caller == null ? null : caller.requestContext());
    }
}
