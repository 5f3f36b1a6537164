package dev.libraryevents.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Validations;

/**
 * The CDK app ({@code cdk.json} runs it from the repository root). Context: {@code deletionProtection=false} for
 * throw-away stacks, {@code senderEmail=...} to turn on email notifications through SES.
 */
public final class LibraryEventsApp {

    private LibraryEventsApp() {}

    public static void main(String[] args) {
        App app = new App();
        LibraryEventsStack.create(app, Path.of("").toAbsolutePath());
        Tags.of(app).add("project", "library-events");
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        app.synth();
    }
}
