package dev.libraryevents.support.aws;

import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Transaction items every table here uses. */
public final class TransactionItems {

    private TransactionItems() {}

    /**
     * A put of a new key on condition that its item exists already: a transaction holding it is always cancelled
     * and writes nothing, whatever else it holds. SnapStart's priming runs a real transaction's whole path with it.
     * (A put, not a {@code ConditionCheck}: the functions that write may put, and need no other permission.)
     */
    public static TransactWriteItem conditionThatCannotHold(String tableName) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(Map.of(Items.PARTITION_KEY, Items.s("PRIMING#" + UUID.randomUUID()),
                        Items.SORT_KEY, Items.s("PRIMING")))
                .conditionExpression("attribute_exists(pk)").build()).build();
    }

    /** Writes the item only if no item has its key: a second writer of the same key cancels its transaction. */
    public static TransactWriteItem putIfAbsent(String tableName, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }
}
