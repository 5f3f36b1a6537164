package dev.libraryevents.support.aws;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Text kept gzipped in a binary attribute: DynamoDB bills a write per started KB of the item, and an event's JSON
 * shrinks by about 40 %, which keeps a row of one event under the KB.
 */
public final class CompressedText {

    private CompressedText() {}

    public static AttributeValue of(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return AttributeValue.fromB(SdkBytes.fromByteArray(bytes.toByteArray()));
    }

    /** The text of an attribute written by {@link #of}, or of a plain string one (rows written before it). */
    public static String text(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(value.b().asByteArray()))) {
            return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("an attribute that is neither text nor gzipped text", e);
        }
    }
}
