package dev.libraryevents.library.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.library.DataExports;
import dev.libraryevents.library.LibraryService;
import dev.libraryevents.library.domain.CommandRejected;
import dev.libraryevents.library.domain.Commands;
import dev.libraryevents.library.domain.DataExport;
import dev.libraryevents.library.domain.Identifiers;
import dev.libraryevents.library.domain.NotFound;
import dev.libraryevents.support.auth.Caller;
import dev.libraryevents.support.http.ApiRequest;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.Problem;
import dev.libraryevents.support.http.ProblemException;
import dev.libraryevents.support.http.RequestFields;
import dev.libraryevents.support.http.StateJson;
import dev.libraryevents.support.http.idempotency.Receipt;
import dev.libraryevents.support.http.Router;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The Library service's routes (docs/design.md §4): parse and validate, call the service, shape the answer. */
public final class LibraryRoutes {

    private final LibraryService library;
    private final DataExports exports;

    /** A user as the record of a keyed answer holds them: name and email sealed; a replay reveals them. */
    private static final Function<User, ApiResponse> SEALED_USER = user -> ApiResponse.ok(StateJson.user(user));
    private static final Function<Borrowing, ApiResponse> BORROWING = borrowing ->
            ApiResponse.ok(StateJson.borrowing(borrowing));

    private LibraryRoutes(LibraryService library, DataExports exports) {
        this.library = library;
        this.exports = exports;
    }

    public static Router router(LibraryService library, DataExports exports) {
        LibraryRoutes routes = new LibraryRoutes(library, exports);
        HoldRoutes holds = new HoldRoutes(library);
        ListRoutes lists = new ListRoutes(library, holds);
        return new Router()
                .get("/books", lists::books)
                .post("/books", routes::addBook)
                .get("/books/{bookId}", r -> ok(() -> StateJson.book(library.book(r.pathParameter("bookId")))))
                .get("/books/{bookId}/borrowings", lists::borrowingsOfBook)
                .get("/users", lists::users)
                .post("/users", routes::register)
                .get("/users/{userId}", r -> ok(() -> routes.revealed(library.user(r.pathParameter("userId")))))
                .get("/users/{userId}/borrowings", lists::borrowingsOfUser)
                .post("/users/{userId}/suspend", routes::suspend)
                .post("/users/{userId}/reinstate", routes::reinstate)
                .delete("/users/{userId}/personal-data", routes::erase)
                .post("/users/{userId}/data-exports", routes::requestExport)
                .get("/users/{userId}/data-exports/{exportId}", routes::export)
                .post("/borrowings", LibraryRoutes::borrowingFor, routes::borrow)
                .get("/borrowings/{borrowingId}", routes::borrower,
                        r -> ok(() -> StateJson.borrowing(library.borrowing(r.pathParameter("borrowingId")))))
                .post("/borrowings/{borrowingId}/return", routes::borrower, routes::giveBack)
                .post("/borrowings/{borrowingId}/renew", routes::borrower, routes::renew)
                .get("/books/{bookId}/holds", lists::holdsOfBook)
                .get("/users/{userId}/holds", lists::holdsOfUser)
                .post("/holds", LibraryRoutes::borrowingFor, holds::place)
                .get("/holds/{holdId}", holds::holder, holds::hold)
                .delete("/holds/{holdId}", holds::holder, holds::cancel);
    }

    /** Whose borrowing the path names: only its borrower (or a librarian) may see or return it. */
    private Optional<String> borrower(ApiRequest request) {
        try {
            return Optional.of(library.borrowing(request.pathParameter("borrowingId")).userId());
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** For whom a new borrowing (or hold) is asked: a member may borrow, or queue, only for themself. */
    private static Optional<String> borrowingFor(ApiRequest request) {
        try {
            return Optional.ofNullable(request.jsonBody(true).path("userId").textValue());
        } catch (ProblemException badBody) {
            return Optional.empty(); // the route answers it with its own 4xx
        }
    }

    private ApiResponse addBook(ApiRequest request) {
        RequestFields fields = RequestFields.of(request.jsonBody(true));
        String title = fields.requiredText("title", 300);
        String author = fields.requiredText("author", 200);
        String isbn = fields.optionalText("isbn", 32, Identifiers::isIsbn, "must be a valid ISBN-10 or ISBN-13");
        int copies = fields.optionalInteger("copies", 1, 1000, 1);
        fields.validate();
        Function<Book, ApiResponse> answer = book -> ApiResponse.created(StateJson.book(book),
                "/books/" + book.bookId());
        return answer.apply(decide(() -> library.addBook(new Commands.AddBook(title, author,
                isbn == null ? null : Identifiers.normalizeIsbn(isbn), copies), origin(request, answer))));
    }

    /**
     * A librarian registers a walk-in patron (a new userId); a member registers themself: their userId is their
     * sign-in id and their email the one they signed in with (docs/design.md §4a).
     */
    private ApiResponse register(ApiRequest request) {
        RequestFields fields = RequestFields.of(request.jsonBody(true));
        String name = fields.requiredText("name", 200);
        Caller caller = request.caller();
        String email;
        if (caller.isLibrarian()) {
            email = fields.requiredText("email", 254, Identifiers::isEmail, "must be a valid email address");
        } else {
            email = fields.optionalText("email", 254, given -> given.equalsIgnoreCase(String.valueOf(caller.email())),
                    "must be the email you signed in with, or left out");
            if (caller.email() == null || !Identifiers.isEmail(caller.email())) {
                fields.invalid("email", "your sign-in has no valid email to register with");
            }
        }
        fields.validate();
        Commands.RegisterUser command = caller.isLibrarian() ? Commands.RegisterUser.walkIn(name, email)
                : Commands.RegisterUser.self(caller.sub(), name, caller.email());
        // answered in clear; recorded (for a keyed request) sealed, as the user's row is
        Function<User, ApiResponse> answer = user -> ApiResponse.created(StateJson.user(user),
                "/users/" + user.userId());
        return answer.apply(decide(() -> library.register(command, origin(request, answer))));
    }

    private ApiResponse suspend(ApiRequest request) {
        RequestFields fields = RequestFields.of(request.jsonBody(false));
        String reason = fields.optionalText("reason", 500);
        fields.validate();
        User user = decide(() -> library.suspend(
                new Commands.SuspendUser(request.pathParameter("userId"), reason), origin(request, SEALED_USER)));
        return ApiResponse.ok(revealed(user));
    }

    /** 200 with the user ACTIVE again. */
    private ApiResponse reinstate(ApiRequest request) {
        User user = decide(() -> library.reinstate(request.pathParameter("userId"), origin(request, SEALED_USER)));
        return ApiResponse.ok(revealed(user));
    }

    /** 200 with the user as they are now: suspended, name and email {@code [erased]}; again, the same. */
    private ApiResponse erase(ApiRequest request) {
        User user = decide(() -> library.erase(request.pathParameter("userId"), origin(request, SEALED_USER)));
        return ApiResponse.ok(revealed(user));
    }

    /** 202: the export saga started; its status is at the Location. */
    private ApiResponse requestExport(ApiRequest request) {
        Function<DataExport, ApiResponse> answer = export -> new ApiResponse(202, exportJson(export),
                Map.of("Location", "/users/" + export.userId() + "/data-exports/" + export.exportId()));
        return answer.apply(decide(() -> exports.request(request.pathParameter("userId"), origin(request, answer))));
    }

    /** The export's status; once completed, a link to its document, valid 15 minutes. */
    private ApiResponse export(ApiRequest request) {
        DataExport export = decide(() -> exports.status(request.pathParameter("userId"),
                request.pathParameter("exportId")));
        ObjectNode body = exportJson(export);
        if (export.status() == DataExport.Status.COMPLETED) {
            body.put("url", exports.link(export).toString())
                    .put("expiresAt", EventCodec.timestamp(exports.linkExpiry()));
        } else if (export.status() == DataExport.Status.FAILED) {
            body.put("reason", export.reason());
        }
        return ApiResponse.ok(body);
    }

    private static ObjectNode exportJson(DataExport export) {
        return JsonNodeFactory.instance.objectNode().put("exportId", export.exportId())
                .put("status", export.status().name());
    }

    /** A user as stored, sealed fields opened for the caller (or {@code [erased]}). */
    private JsonNode revealed(User user) {
        return library.personalData().reveal(StateJson.user(user));
    }

    private ApiResponse borrow(ApiRequest request) {
        RequestFields fields = RequestFields.of(request.jsonBody(true));
        String userId = fields.requiredText("userId", 64);
        String bookId = fields.requiredText("bookId", 64);
        fields.validate();
        Function<Borrowing, ApiResponse> answer = borrowing -> ApiResponse.created(StateJson.borrowing(borrowing),
                "/borrowings/" + borrowing.borrowingId());
        return answer.apply(decide(() -> library.borrow(new Commands.BorrowBook(userId, bookId),
                origin(request, answer))));
    }

    private ApiResponse giveBack(ApiRequest request) {
        return BORROWING.apply(decide(() ->
                library.giveBack(request.pathParameter("borrowingId"), origin(request, BORROWING))));
    }

    /** 200 with the loan's new due date; no body is asked for. */
    private ApiResponse renew(ApiRequest request) {
        return BORROWING.apply(decide(() -> library.renew(request.pathParameter("borrowingId"),
                origin(request, BORROWING))));
    }

    /**
     * Who asks, and how the answer to what they ask is made: {@code answer} renders the command's result, for the
     * client and, when the request has an {@code Idempotency-Key}, for the record that the command's transaction
     * writes with its change (docs/design.md §4e).
     */
    static <T> LibraryService.Origin origin(ApiRequest request, Function<T, ApiResponse> answer) {
        Receipt receipt = request.receipt();
        if (receipt == null) {
            return new LibraryService.Origin(request.correlationId(), request.caller().actor());
        }
        return new LibraryService.Origin(request.correlationId(), request.caller().actor(),
                new LibraryService.Answer() {
                    @Override
                    @SuppressWarnings("unchecked") // the service records the result of the command the route called
                    public TransactWriteItem record(Object result) {
                        return receipt.item(answer.apply((T) result));
                    }

                    @Override
                    public void recorded() {
                        receipt.committed();
                    }
                });
    }

    private static ApiResponse ok(Supplier<JsonNode> body) {
        return ApiResponse.ok(decide(body));
    }

    /** Translates the domain's refusals into the problems of docs/design.md §4. */
    static <T> T decide(Supplier<T> action) {
        try {
            return action.get();
        } catch (NotFound e) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found", e.getMessage()));
        } catch (CommandRejected e) {
            throw new ProblemException(Problem.conflict(e.rejection().slug(), title(e), e.getMessage()));
        } catch (LibraryService.Busy e) {
            throw new ProblemException(Problem.of(503, "busy", "Too many concurrent changes",
                    "nothing was changed; retry the request"));
        }
    }

    private static String title(CommandRejected e) {
        String slug = e.rejection().slug().replace('-', ' ');
        return Character.toUpperCase(slug.charAt(0)) + slug.substring(1);
    }
}
