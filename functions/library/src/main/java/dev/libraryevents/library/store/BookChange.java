package dev.libraryevents.library.store;

import static dev.libraryevents.support.aws.Items.n;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * One move of a book's copies between the shelf, the hold shelf and the loans, and of its holds waiting, as one
 * atomic update whose condition keeps every count from going below 0 (docs/design.md §4d): a command that meets
 * counts other than those its decision assumed is cancelled, and decides again.
 */
final class BookChange {

    private static final Pattern PLACEHOLDER = Pattern.compile(":(zero|[0-9]+)");

    private final String bookId;
    private final List<String> sets = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();

    private BookChange(String bookId) {
        this.bookId = bookId;
        conditions.add("attribute_exists(pk)");
    }

    static BookChange of(String bookId) {
        return new BookChange(bookId);
    }

    /** Copies anyone may borrow: taking one needs one, and giving one back never exceeds the total. */
    BookChange available(int delta) {
        move("#available", "availableCopies", delta);
        conditions.add(delta < 0 ? "#available >= :" + amount(delta) : "#available < totalCopies");
        return this;
    }

    /** Copies set aside for READY holds. */
    BookChange onHoldShelf(int delta) {
        move("#shelf", LibraryItems.ON_HOLD_SHELF, delta);
        if (delta < 0) {
            conditions.add("#shelf >= :" + amount(delta));
        }
        return this;
    }

    /** PLACED holds. */
    BookChange holdsWaiting(int delta) {
        move("#waiting", LibraryItems.HOLDS_WAITING, delta);
        if (delta < 0) {
            conditions.add("#waiting >= :" + amount(delta));
        }
        return this;
    }

    /**
     * The next queue number given out: {@code number}, only if the last one was {@code number - 1}, so that
     * placements take effect one at a time, in the order of their numbers.
     */
    BookChange queueNumber(long number) {
        names.put("#placed", LibraryItems.HOLDS_PLACED);
        sets.add("#placed = :" + number);
        conditions.add(number == 1 ? "(attribute_not_exists(#placed) OR #placed = :zero)"
                : "#placed = :" + (number - 1));
        return this;
    }

    /** Only while nobody waits: a copy that comes free then goes back on the shelf, and a renewal may go ahead. */
    BookChange whileNobodyWaits() {
        names.put("#waiting", LibraryItems.HOLDS_WAITING);
        conditions.add("(attribute_not_exists(#waiting) OR #waiting = :zero)");
        return this;
    }

    /** Only while no copy is free: a hold is for a book whose copies are all out. */
    BookChange whileNoCopyIsFree() {
        names.put("#available", "availableCopies");
        conditions.add("#available = :zero");
        return this;
    }

    /** The update, or (with nothing to move) a check of its conditions alone. */
    TransactWriteItem item(String tableName) {
        String condition = String.join(" AND ", conditions);
        Map<String, AttributeValue> values = new HashMap<>();
        for (String expression : conditions) {
            placeholders(expression, values);
        }
        if (sets.isEmpty()) {
            return TransactWriteItem.builder().conditionCheck(c -> c.tableName(tableName)
                    .key(LibraryItems.bookKey(bookId)).conditionExpression(condition).expressionAttributeNames(names)
                    .expressionAttributeValues(values.isEmpty() ? null : values)).build();
        }
        sets.forEach(set -> placeholders(set, values));
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName)
                .key(LibraryItems.bookKey(bookId)).updateExpression("SET " + String.join(", ", sets))
                .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build();
    }

    private void move(String name, String attribute, int delta) {
        if (delta == 0) {
            return;
        }
        names.put(name, attribute);
        sets.add(name + " = if_not_exists(" + name + ", :zero) " + (delta < 0 ? "- :" : "+ :") + amount(delta));
    }

    /** A number's placeholder: {@code :1}, {@code :2} … (and {@code :zero}) stand for themselves. */
    private static String amount(int delta) {
        return Integer.toString(Math.abs(delta));
    }

    private static void placeholders(String expression, Map<String, AttributeValue> values) {
        Matcher matcher = PLACEHOLDER.matcher(expression);
        while (matcher.find()) {
            String amount = matcher.group(1);
            values.put(matcher.group(), n(amount.equals("zero") ? 0 : Long.parseLong(amount)));
        }
    }
}
