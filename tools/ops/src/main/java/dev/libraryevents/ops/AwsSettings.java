package dev.libraryevents.ops;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What an operator should set when the SDK finds no region or no credentials: one line, instead of the SDK's list
 * of every provider it asked.
 */
final class AwsSettings {

    static final String LOCAL_CLOUD = "for the local cloud: export AWS_ENDPOINT_URL=http://127.0.0.1:4566 "
            + "AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1";

    private AwsSettings() {}

    /** The failure in an operator's terms when it is a missing setting; otherwise the failure itself. */
    static RuntimeException explain(SdkClientException failure) {
        String message = String.valueOf(failure.getMessage());
        if (message.startsWith("Unable to load region")) {
            return new IllegalStateException("no AWS region: set AWS_REGION, or AWS_PROFILE to a profile that names "
                    + "one (" + LOCAL_CLOUD + ")");
        }
        if (message.startsWith("Unable to load credentials")) {
            return new IllegalStateException("no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY (" + LOCAL_CLOUD + ")");
        }
        if (message.startsWith("Unable to execute HTTP request")) {
            return new IllegalStateException("cannot reach " + endpoint() + ": " + rootCause(failure)
                    + " (is AWS_ENDPOINT_URL right, and the local cloud or LocalStack running?)");
        }
        return failure;
    }

    private static String endpoint() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        return endpoint == null || endpoint.isBlank() ? "AWS" : endpoint;
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
