package dev.libraryevents.localcloud.lambda;

import java.util.concurrent.CompletableFuture;

/** What an event source mapping's poller needs of a function: its name, and an invocation with a batch. */
public interface Invocable {

    String name();

    /** @param records how many records the payload carries (a batch's size), for the metering */
    CompletableFuture<LocalFunction.Result> invoke(String payload, int records);
}
