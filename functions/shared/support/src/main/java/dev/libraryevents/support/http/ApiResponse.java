package dev.libraryevents.support.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** What a route answers: a status, a JSON body and any headers beyond the ones every response gets. */
public record ApiResponse(int status, JsonNode body, Map<String, String> headers) {

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body, Map.of());
    }

    public static ApiResponse created(JsonNode body, String location) {
        return new ApiResponse(201, body, Map.of("Location", location));
    }
}
