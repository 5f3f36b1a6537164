package dev.libraryevents.support.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.support.aws.AwsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The stack's export bucket (docs/design.md §4b): each service's part of a user's data export under
 * {@code exports/{exportId}/{service}.json}, the assembled document under {@code exports/{exportId}.json}, fetched
 * by the user through a presigned link valid {@link #LINK_VALIDITY}. Path-style addressing, which S3 and every
 * emulator serve alike.
 */
public final class ExportBucket {

    public static final Duration LINK_VALIDITY = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;
    private final String bucket;

    /** The client and presigner are made on first use: most invocations of a function that may use them do not. */
    public ExportBucket(Supplier<S3Client> s3, Supplier<S3Presigner> presigner, String bucket) {
        this.s3 = once(s3);
        this.presigner = once(presigner);
        this.bucket = bucket;
    }

    /** From the function's environment: {@code EXPORT_BUCKET}, and the SDK's region, credentials and endpoint. */
    public static ExportBucket fromEnvironment() {
        return new ExportBucket(() -> AwsClients.build(S3Client.builder().forcePathStyle(true)), () -> {
            S3Presigner.Builder builder = S3Presigner.builder().region(Region.of(AwsClients.requiredEnv("AWS_REGION")))
                    .credentialsProvider(AwsClients.credentials())
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
            String endpoint = System.getenv("AWS_ENDPOINT_URL");
            if (endpoint != null && !endpoint.isBlank()) {
                builder.endpointOverride(URI.create(endpoint)); // the presigner does not read it by itself
            }
            return builder.build();
        }, AwsClients.requiredEnv("EXPORT_BUCKET"));
    }

    public static String partKey(String exportId, String service) {
        return "exports/" + exportId + "/" + service + ".json";
    }

    public static String documentKey(String exportId) {
        return "exports/" + exportId + ".json";
    }

    /** Writes (or writes again, the same) one JSON object. */
    public void put(String key, JsonNode json) {
        s3.get().putObject(r -> r.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromString(json.toString()));
    }

    public JsonNode get(String key) {
        try {
            return JSON.readTree(s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("the export part " + key + " is not JSON", e);
        }
    }

    /** A GET of the object, signed with this function's credentials, valid {@link #LINK_VALIDITY}. */
    public URL link(String key) {
        return presigner.get().presignGetObject(r -> r.signatureDuration(LINK_VALIDITY)
                .getObjectRequest(get -> get.bucket(bucket).key(key))).url();
    }

    private static <T> Supplier<T> once(Supplier<T> make) {
        return new Supplier<>() {
            private T made;

            @Override
            public synchronized T get() {
                if (made == null) {
                    made = make.get();
                }
                return made;
            }
        };
    }
}
