package dev.libraryevents.library.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.library.Holds;
import dev.libraryevents.library.LibraryService;
import dev.libraryevents.library.domain.HoldRules;
import dev.libraryevents.library.domain.NotFound;
import dev.libraryevents.support.http.ApiRequest;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.RequestFields;
import dev.libraryevents.support.http.StateJson;
import java.util.Optional;
import java.util.function.Function;

/** The holds routes (docs/design.md §4d): place, read with its position, cancel (the lists: {@link ListRoutes}). */
final class HoldRoutes {

    private final Holds holds;

    HoldRoutes(LibraryService library) {
        this.holds = library.holds();
    }

    /** Whose hold the path names: only its holder (or a librarian) may see or cancel it. */
    Optional<String> holder(ApiRequest request) {
        try {
            return Optional.of(holds.hold(request.pathParameter("holdId")).userId());
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** 201 with the hold PLACED and its place in the queue. */
    ApiResponse place(ApiRequest request) {
        RequestFields fields = RequestFields.of(request.jsonBody(true));
        String userId = fields.requiredText("userId", 64);
        String bookId = fields.requiredText("bookId", 64);
        fields.validate();
        Function<Hold, ApiResponse> answer = hold -> ApiResponse.created(json(hold), "/holds/" + hold.holdId());
        return answer.apply(LibraryRoutes.decide(() -> holds.place(userId, bookId,
                LibraryRoutes.origin(request, answer))));
    }

    ApiResponse hold(ApiRequest request) {
        return ApiResponse.ok(LibraryRoutes.decide(() -> json(holds.hold(request.pathParameter("holdId")))));
    }

    /** 200 with the hold CANCELLED, by its member or by a librarian. */
    ApiResponse cancel(ApiRequest request) {
        HoldRules.CancelReason reason = request.caller().isLibrarian()
                ? HoldRules.CancelReason.LIBRARIAN : HoldRules.CancelReason.MEMBER;
        Function<Hold, ApiResponse> answer = hold -> ApiResponse.ok(json(hold));
        return answer.apply(LibraryRoutes.decide(() -> holds.cancel(request.pathParameter("holdId"), reason,
                LibraryRoutes.origin(request, answer))));
    }

    /** A hold as the routes answer it: with {@code position}, null unless PLACED. */
    ObjectNode json(Hold hold) {
        return json(hold, holds.position(hold));
    }

    /** @param position as {@link Holds#position} finds it, when the caller knows it already */
    ObjectNode json(Hold hold, Integer position) {
        ObjectNode json = StateJson.hold(hold);
        return position == null ? json.putNull("position") : json.put("position", position);
    }
}
