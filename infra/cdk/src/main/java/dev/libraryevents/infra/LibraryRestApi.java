package dev.libraryevents.infra;

import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LambdaIntegrationOptions;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The REST API (v1, Lambda proxy): every route of DESIGN §4 to its service's API function, access logs, throttling,
 * and API Gateway's own answers in problem+json so that a client sees one error format.
 */
public final class LibraryRestApi extends Construct {

    private final RestApi api;

    public LibraryRestApi(Construct scope, String id) {
        super(scope, id);
        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        api = RestApi.Builder.create(this, "Api")
                .restApiName("library-events")
                .description("Library Events: books, users, borrowings, notifications, reports, audit")
                .cloudWatchRole(true)
                .deployOptions(StageOptions.builder()
                        .stageName("v1")
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .loggingLevel(MethodLoggingLevel.ERROR)
                        .throttlingRateLimit(100)
                        .throttlingBurstLimit(200)
                        .build())
                .build();
        // API Gateway answers an unknown path or method itself, with a 403 "Missing Authentication Token".
        problem("RouteNotFound", ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, "route-not-found",
                "Route not found", "no route for this method and path");
        problem("Throttled", ResponseType.THROTTLED, 429, "too-many-requests", "Too many requests",
                "slow down and retry");
    }

    /** Routes {@code method path} to {@code function} through a proxy integration. */
    public LibraryRestApi route(String method, String path, IFunction function) {
        // No test-invoke permission: it would double the stack's Lambda permissions for a console button.
        api.getRoot().resourceForPath(path).addMethod(method, new LambdaIntegration(function,
                LambdaIntegrationOptions.builder().allowTestInvoke(false).build()));
        return this;
    }

    public RestApi api() {
        return api;
    }

    private void problem(String id, ResponseType type, int status, String slug, String title, String detail) {
        api.addGatewayResponse(id, GatewayResponseOptions.builder()
                .type(type)
                .statusCode(Integer.toString(status))
                .responseHeaders(Map.of("Content-Type", "'application/problem+json'"))
                .templates(Map.of("application/json", "{\"type\":\"urn:problem:" + slug + "\",\"title\":\"" + title
                        + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}"))
                .build());
    }
}
