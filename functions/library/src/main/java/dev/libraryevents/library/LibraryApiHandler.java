package dev.libraryevents.library;

import dev.libraryevents.library.api.LibraryRoutes;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.http.ApiHandler;

/** Lambda entry point of {@code library-api}: every /books, /users and /borrowings route. Needs TABLE_NAME. */
public class LibraryApiHandler extends ApiHandler {

    public LibraryApiHandler() {
        this(Wiring.service(AwsClients.dynamoDb()));
    }

    public LibraryApiHandler(LibraryService library) {
        super(LibraryRoutes.router(library));
    }
}
