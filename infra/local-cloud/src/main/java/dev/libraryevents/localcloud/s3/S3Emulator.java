package dev.libraryevents.localcloud.s3;

import dev.libraryevents.localcloud.common.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * S3 for the template's buckets, served by s3proxy (gaul/s3proxy, a maintained S3 server on Apache jclouds) in this
 * JVM. s3proxy's own jar bundles its Jetty 11, Guava, jclouds and logging, which this JVM's Jetty 12 (DynamoDB
 * Local's) would clash with, so it runs in a class loader of its own that sees only the JDK; the build copies the jar
 * beside this module's classes ({@code target/s3proxy/s3proxy.jar}). Objects live in memory (jclouds' transient
 * store), or under the data directory ({@code s3/}, the filesystem store) to outlast a restart.
 *
 * <p>s3proxy runs without authentication: the AWS endpoint in front of it checks each call against the caller's
 * role ({@link #authorize}) and a presigned URL's expiry, as S3 would, then forwards it.
 */
public final class S3Emulator implements AutoCloseable {

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final URLClassLoader loader;
    private final Object proxy;
    private final Class<?> proxyClass;
    private final URI endpoint;
    private final Clock clock;

    /** @param dataDirectory null to keep objects in memory */
    public S3Emulator(Path dataDirectory, Clock clock) throws Exception {
        this.clock = clock;
        loader = new URLClassLoader(new URL[] {s3proxyJar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // jclouds finds its providers through it
        // s3proxy logs through its own logback: warnings only, and not logback's account of its configuration.
        // (This JVM's own logging is slf4j-nop: the two properties touch nothing else.)
        System.setProperty("LOG_LEVEL", System.getProperty("LOG_LEVEL", "warn"));
        System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        try {
            Properties properties = new Properties();
            String provider = "transient";
            if (dataDirectory != null) {
                provider = "filesystem";
                properties.setProperty("jclouds.filesystem.basedir",
                        Files.createDirectories(dataDirectory.resolve("s3")).toString());
            }
            Class<?> contextBuilderClass = loader.loadClass("org.jclouds.ContextBuilder");
            Object contextBuilder = contextBuilderClass.getMethod("newBuilder", String.class).invoke(null, provider);
            call(contextBuilder, "credentials", new Class<?>[] {String.class, String.class}, "local", "local");
            call(contextBuilder, "overrides", new Class<?>[] {Properties.class}, properties);
            Class<?> contextClass = loader.loadClass("org.jclouds.blobstore.BlobStoreContext");
            Object context = call(contextBuilder, "build", new Class<?>[] {Class.class}, contextClass);
            Object blobStore = contextClass.getMethod("getBlobStore").invoke(context);

            proxyClass = loader.loadClass("org.gaul.s3proxy.S3Proxy");
            Object builder = proxyClass.getMethod("builder").invoke(null);
            call(builder, "blobStore", new Class<?>[] {loader.loadClass("org.jclouds.blobstore.BlobStore")},
                    blobStore);
            call(builder, "endpoint", new Class<?>[] {URI.class}, URI.create("http://127.0.0.1:0"));
            proxy = call(builder, "build", new Class<?>[0]);
            proxyClass.getMethod("start").invoke(proxy);
            int port = (int) proxyClass.getMethod("getPort").invoke(proxy);
            endpoint = URI.create("http://127.0.0.1:" + port);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The action a request asks for, as IAM names it, and the ARN it acts on. */
    public record Access(String action, String resource) {}

    /**
     * What an S3 request (path style: {@code /bucket/key}) asks for, as IAM sees it: reading or writing an object,
     * listing or creating a bucket.
     */
    public static Access access(String method, String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String key = slash < 0 ? "" : path.substring(slash + 1);
        if (bucket.isEmpty()) {
            return new Access("s3:ListAllMyBuckets", "*");
        }
        String bucketArn = "arn:aws:s3:::" + bucket;
        if (key.isEmpty()) {
            return switch (method) {
                case "PUT" -> new Access("s3:CreateBucket", bucketArn);
                case "DELETE" -> new Access("s3:DeleteBucket", bucketArn);
                case "POST" -> new Access("s3:DeleteObject", bucketArn + "/*"); // DeleteObjects
                default -> new Access("s3:ListBucket", bucketArn);
            };
        }
        String objectArn = bucketArn + "/" + URLDecoder.decode(key, StandardCharsets.UTF_8);
        return switch (method) {
            case "PUT", "POST" -> new Access("s3:PutObject", objectArn);
            case "DELETE" -> new Access("s3:DeleteObject", objectArn);
            default -> new Access("s3:GetObject", objectArn);
        };
    }

    /**
     * A presigned request's expiry, as S3 checks it: {@code X-Amz-Date} plus {@code X-Amz-Expires} (at most 7 days).
     *
     * @return null when the request may go on, else S3's reason to refuse it
     */
    public String expired(Map<String, String> query) {
        return expired(query, clock);
    }

    public static String expired(Map<String, String> query, Clock clock) {
        String date = query.get("X-Amz-Date");
        String expires = query.get("X-Amz-Expires");
        if (date == null || expires == null) {
            return null; // signed in its headers, not presigned
        }
        try {
            Instant signed = Instant.from(AMZ_DATE.parse(date));
            long seconds = Long.parseLong(expires);
            if (seconds < 1 || seconds > Duration.ofDays(7).toSeconds()) {
                return "X-Amz-Expires must be between 1 and 604800 seconds";
            }
            return clock.instant().isAfter(signed.plusSeconds(seconds)) ? "Request has expired" : null;
        } catch (DateTimeParseException | NumberFormatException e) {
            return "X-Amz-Date or X-Amz-Expires is malformed";
        }
    }

    /**
     * The payload of an {@code aws-chunked} body: each chunk is {@code <hex size>[;chunk-signature=…]\r\n<bytes>\r\n},
     * the last one of size 0, then trailing headers (a checksum) up to an empty line.
     */
    public static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(body.length);
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOfCrLf(body, at);
            if (lineEnd < 0) {
                break;
            }
            String header = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
            int semicolon = header.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? header : header.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                break; // the trailer follows: its checksum is not checked here
            }
            payload.write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return payload.toByteArray();
    }

    private static int indexOfCrLf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Creates the bucket unless it exists (kept in the data directory from a previous run). */
    public void createBucket(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                endpoint.resolve("/" + name)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && !response.body().contains("BucketAlreadyOwnedByYou")) {
            throw new IllegalStateException("s3proxy did not create bucket " + name + ": " + response.statusCode()
                    + " " + response.body());
        }
    }

    /** Where the build put s3proxy's jar: {@code target/s3proxy/} beside this module's classes or jar. */
    private static Path s3proxyJar() throws URISyntaxException {
        Path code = Path.of(S3Emulator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> candidates = new ArrayList<>();
        for (Path dir = code.getParent(); dir != null && candidates.size() < 3; dir = dir.getParent()) {
            candidates.add(dir.resolve("s3proxy").resolve("s3proxy.jar"));
            candidates.add(dir.resolve("target").resolve("s3proxy").resolve("s3proxy.jar"));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new IllegalStateException("s3proxy's jar is not beside " + code + " (looked at " + candidates
                        + "): build the module (mvn -pl infra/local-cloud -am compile)"));
    }

    private static Object call(Object target, String name, Class<?>[] types, Object... arguments) throws Exception {
        Method method = target.getClass().getMethod(name, types);
        method.setAccessible(true);
        return method.invoke(target, arguments);
    }

    @Override
    public void close() {
        try {
            proxyClass.getMethod("stop").invoke(proxy);
        } catch (Exception e) {
            Log.info("s3proxy did not stop: " + e);
        }
        try {
            loader.close();
        } catch (IOException e) {
            Log.info("s3proxy's class loader did not close: " + e);
        }
    }
}
