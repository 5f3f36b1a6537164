package dev.libraryevents.testing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it for capacity (attribute names and values in UTF-8; a number about one byte
 * per two significant digits, plus one), which is what a write costs: one unit per started KB, two in a transaction.
 */
public final class ItemSize {

    /** The most one write unit covers. */
    public static final int ONE_WRITE_UNIT = 1024;

    private ItemSize() {}

    public static int bytes(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += utf8(attribute.getKey()) + bytes(attribute.getValue());
        }
        return size;
    }

    private static int bytes(AttributeValue value) {
        if (value.s() != null) {
            return utf8(value.s());
        }
        if (value.n() != null) {
            return (new BigDecimal(value.n()).stripTrailingZeros().precision() + 1) / 2 + 1;
        }
        if (value.bool() != null || Boolean.TRUE.equals(value.nul())) {
            return 1;
        }
        if (value.b() != null) {
            return value.b().asByteArray().length;
        }
        if (value.hasM()) {
            return 3 + value.m().entrySet().stream().mapToInt(e -> utf8(e.getKey()) + 1 + bytes(e.getValue())).sum();
        }
        if (value.hasL()) {
            return 3 + value.l().stream().mapToInt(e -> 1 + bytes(e)).sum();
        }
        if (value.hasSs()) {
            return value.ss().stream().mapToInt(ItemSize::utf8).sum();
        }
        throw new IllegalArgumentException("no size for " + value);
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
