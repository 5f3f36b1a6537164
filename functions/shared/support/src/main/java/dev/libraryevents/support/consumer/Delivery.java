package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventEnvelope;

/** A valid event of a batch and the message that carried it, which a failure names. */
record Delivery(EventEnvelope event, String messageId) {}
