package dev.libraryevents.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads nothing, answers {@code {}}: what a cold start costs the runtime itself (a JVM, the runtime interface client,
 * one round trip to the Runtime API), against which the benchmark sets every real function's cold start.
 */
public final class NoOpHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write('{');
        output.write('}');
    }
}
