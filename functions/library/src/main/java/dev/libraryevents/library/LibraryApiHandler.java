package dev.libraryevents.library;

import dev.libraryevents.library.api.LibraryRoutes;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.http.ApiHandler;

/** Lambda entry point of {@code library-api}: every /books, /users and /borrowings route. Needs TABLE_NAME. */
public class LibraryApiHandler extends ApiHandler {

    public LibraryApiHandler() {
        this(Wiring.service(AwsClients.dynamoDb()));
    }

    private LibraryApiHandler(LibraryService library) {
        this(library, Wiring.exports(library));
    }

    private final LibraryService library;

    public LibraryApiHandler(LibraryService library, DataExports exports) {
        // Priming: reads of ids nothing has, a page of the catalog (a query and the rows it names), a book the API
        // refuses (400), a borrowing of a book no one has (404).
        // A keyed write's recorded answer holds names and emails sealed: a replay opens them, as the first answer did.
        super(LibraryRoutes.router(library, exports), library.answers(), body -> library.personalData().reveal(body),
                "GET /books/" + randomId(), "GET /users/" + randomId(),
                "GET /books",
                "GET /borrowings/" + randomId(), "POST /books {\"title\":\"\"}",
                "POST /borrowings {\"userId\":\"" + randomId() + "\",\"bookId\":\"" + randomId() + "\"}");
        this.library = library;
    }

    /**
     * The requests above, then the write path, which no request can reach without writing, and the opening of
     * names and emails (a user read finds nothing above).
     */
    @Override
    protected void prime() {
        super.prime();
        library.primeWrites();
        library.personalData().prime();
    }
}
