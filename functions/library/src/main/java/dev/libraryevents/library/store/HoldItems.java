package dev.libraryevents.library.store;

import static dev.libraryevents.library.store.LibraryItems.indexed;
import static dev.libraryevents.library.store.LibraryItems.instant;
import static dev.libraryevents.library.store.LibraryItems.text;
import static dev.libraryevents.library.store.LibraryItems.time;
import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Hold;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The rows of a hold (docs/design.md §4d), beside the rest of the layout in {@link LibraryItems}:
 * <pre>
 * HOLD#{holdId}   HOLD                       the hold: status, its instants, sequence
 * BOOK#{bookId}   QUEUE#{queueNumber}        its place in the book's queue, while open (status PLACED or READY)
 * USER#{userId}   HOLD#{bookId}              the user has this open hold on the book (one per book)
 * </pre>
 * The queue lives in the book's own partition, so that the oldest PLACED hold is found by a consistent query of the
 * table, never an index that may lag; its order is the queue numbers the book gave out, one at a time (each placement
 * conditioned on the last number as read), so it is the order in which the placements took effect. The hold row
 * carries {@code holdsByUser} always and {@code holdsReady} only while READY, so that the expiry sweep reads only
 * what can expire.
 */
final class HoldItems {

    static final String HOLDS_BY_USER = "holdsByUser";
    static final String HOLDS_READY = "holdsReady";
    static final String READY_PARTITION = "READY";
    static final String QUEUE_PREFIX = "QUEUE#";

    private HoldItems() {}

    static Map<String, AttributeValue> holdKey(String holdId) {
        return key("HOLD#" + holdId, "HOLD");
    }

    /** The user's open hold on the book, which names it. */
    static Map<String, AttributeValue> heldKey(String userId, String bookId) {
        return key("USER#" + userId, "HOLD#" + bookId);
    }

    static Map<String, AttributeValue> queueKey(Hold hold) {
        return key("BOOK#" + hold.bookId(), queueSortKey(hold));
    }

    static String queueSortKey(Hold hold) {
        return queueSortKey(hold.queueNumber());
    }

    static String queueSortKey(long queueNumber) {
        return QUEUE_PREFIX + String.format("%012d", queueNumber);
    }

    static Map<String, AttributeValue> held(Hold hold) {
        Map<String, AttributeValue> item = new HashMap<>(heldKey(hold.userId(), hold.bookId()));
        item.put("holdId", s(hold.holdId()));
        return item;
    }

    static Map<String, AttributeValue> queueEntry(Hold hold) {
        Map<String, AttributeValue> item = new HashMap<>(queueKey(hold));
        item.put("holdId", s(hold.holdId()));
        item.put("status", s(hold.status().name()));
        return item;
    }

    static Map<String, AttributeValue> hold(Hold hold) {
        Map<String, AttributeValue> item = new HashMap<>(holdKey(hold.holdId()));
        item.put("holdId", s(hold.holdId()));
        item.put("userId", s(hold.userId()));
        item.put("bookId", s(hold.bookId()));
        item.put("bookTitle", s(hold.bookTitle()));
        item.put("queueNumber", n(hold.queueNumber()));
        item.put("status", s(hold.status().name()));
        item.put("placedAt", time(hold.placedAt()));
        putIfSet(item, "readyAt", hold.readyAt());
        putIfSet(item, "pickupBy", hold.pickupBy());
        putIfSet(item, "fulfilledAt", hold.fulfilledAt());
        if (hold.borrowingId() != null) {
            item.put("borrowingId", s(hold.borrowingId()));
        }
        putIfSet(item, "cancelledAt", hold.cancelledAt());
        if (hold.cancelReason() != null) {
            item.put("cancelReason", s(hold.cancelReason()));
        }
        putIfSet(item, "expiredAt", hold.expiredAt());
        item.put("sequence", n(hold.sequence()));
        indexed(item, HOLDS_BY_USER, hold.userId(), EventCodec.timestamp(hold.placedAt()) + "!" + hold.holdId());
        if (hold.status() == Hold.Status.READY) {
            indexed(item, HOLDS_READY, READY_PARTITION, EventCodec.timestamp(hold.pickupBy()) + "!" + hold.holdId());
        }
        return item;
    }

    static Hold hold(Map<String, AttributeValue> item) {
        return new Hold(text(item, "holdId"), text(item, "userId"), text(item, "bookId"), text(item, "bookTitle"),
                Long.parseLong(item.get("queueNumber").n()), Hold.Status.valueOf(text(item, "status")),
                instant(item, "placedAt"), instant(item, "readyAt"), instant(item, "pickupBy"),
                instant(item, "fulfilledAt"), text(item, "borrowingId"),
                instant(item, "cancelledAt"), text(item, "cancelReason"), instant(item, "expiredAt"),
                Long.parseLong(item.get("sequence").n()));
    }

    private static void putIfSet(Map<String, AttributeValue> item, String name, Instant instant) {
        if (instant != null) {
            item.put(name, time(instant));
        }
    }
}
