package dev.libraryevents.support.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Lambda handler whose event and answer this library's Jackson maps, as a {@link RequestStreamHandler}. Left to
 * itself, the runtime maps the aws-lambda-java-events types with its own shaded Jackson and Joda-Time: hundreds
 * more classes to load on every cold start for the same objects (docs/performance.md has the count). Subclasses
 * implement the typed {@link #handleRequest(Object, Context)}, which the tests call directly.
 *
 * @param <I> the event type, e.g. {@code SQSEvent}
 * @param <O> the answer type, e.g. {@code SQSBatchResponse}
 */
public abstract class JsonHandler<I, O> implements RequestStreamHandler {

    /**
     * Lambda's event JSON names fields as AWS does ({@code Records}, {@code eventSourceARN}, {@code NewImage},
     * {@code S}); the event classes' bean names differ only in case.
     */
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private final Class<I> eventType;
    @SuppressWarnings("unused") // held: CRaC contexts hold their resources weakly
    private final Priming priming = Priming.register(() -> {
        prime();
        primeAnswer();
    });

    protected JsonHandler(Class<I> eventType) {
        this.eventType = eventType;
    }

    public abstract O handleRequest(I event, Context context);

    /**
     * SnapStart's priming ({@link Priming}): the hot path on canned input that touches no real data, run once before
     * the snapshot. None by default.
     */
    protected void prime() {}

    /**
     * For priming: an answer shaped like a real one, written to nowhere after {@link #prime()} so that the first
     * real answer finds its serializers built (list an item in every list: an empty list builds no serializer for
     * its elements). Null when {@code prime} already wrote one (through {@link #handleCanned}).
     */
    protected O sampleAnswer() {
        return null;
    }

    /** Lambda's event JSON as the runtime would hand it over, mapped as every real event is. */
    protected final I canned(String eventJson) {
        try {
            return EVENTS.readValue(eventJson, eventType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Handles Lambda's event JSON as a real invocation would, answer included; for priming read-only paths. */
    protected final void handleCanned(String eventJson) {
        try {
            handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)),
                    OutputStream.nullOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        EVENTS.writeValue(output, handleRequest(EVENTS.readValue(input, eventType), context));
    }

    private void primeAnswer() {
        O sample = sampleAnswer();
        if (sample == null) {
            return;
        }
        try {
            EVENTS.writeValue(OutputStream.nullOutputStream(), sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
