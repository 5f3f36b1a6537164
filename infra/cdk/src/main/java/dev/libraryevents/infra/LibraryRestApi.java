package dev.libraryevents.infra;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.CognitoUserPoolsAuthorizer;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LambdaIntegrationOptions;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.ProxyResourceOptions;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The REST API (v1, Lambda proxy): every route of docs/design.md §4 to its service's API function, behind the user
 * pool's authorizer on every method (§4a: the gateway checks the ID token itself, no authorizer function on the hot
 * path), access logs, throttling, and API Gateway's own answers in problem+json so that a client sees one error format.
 */
public final class LibraryRestApi extends Construct {

    private final RestApi api;

    public LibraryRestApi(Construct scope, String id, SignIn signIn) {
        super(scope, id);
        CognitoUserPoolsAuthorizer authorizer = CognitoUserPoolsAuthorizer.Builder.create(this, "SignedIn")
                .cognitoUserPools(signIn.pools())
                .identitySource("method.request.header.Authorization")
                .build();
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
                        .tracingEnabled(true)
                        .throttlingRateLimit(100)
                        .throttlingBurstLimit(200)
                        .build())
                .defaultMethodOptions(MethodOptions.builder()
                        .authorizationType(AuthorizationType.COGNITO).authorizer(authorizer).build())
                .build();
        // API Gateway answers a path or method it has no method for with a 403 "Missing Authentication Token"; with
        // the catch-all below that is only a path it cannot parse.
        problem("RouteNotFound", ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, "route-not-found",
                "Route not found", "no route for this method and path");
        problem("Throttled", ResponseType.THROTTLED, 429, "too-many-requests", "Too many requests",
                "slow down and retry");
        // No token, or one the authorizer refuses (signature, issuer, expiry, not an ID token): the gateway's 401.
        problem("Unauthorized", ResponseType.UNAUTHORIZED, 401, "unauthorized", "Unauthorized",
                "sign in and send your ID token: Authorization: Bearer <token>",
                Map.of("WWW-Authenticate", "'Bearer'"));
    }

    /** Every method of each path to {@code function} (proxy integration), which answers the ones it does not take. */
    public LibraryRestApi serve(IFunction function, String... paths) {
        for (String path : paths) {
            api.getRoot().resourceForPath(path).addMethod("ANY", integration(function));
        }
        return this;
    }

    /**
     * The root and every path no resource above matches, to {@code function}: its route-not-found carries the
     * request's correlation id, which a gateway response cannot (its headers take no context variables).
     */
    public LibraryRestApi serveEverythingElse(IFunction function) {
        api.getRoot().addMethod("ANY", integration(function));
        api.getRoot().addProxy(ProxyResourceOptions.builder().anyMethod(true)
                .defaultIntegration(integration(function)).build());
        return this;
    }

    private static LambdaIntegration integration(IFunction function) {
        // No test-invoke permission: it would double the stack's Lambda permissions for a console button.
        return new LambdaIntegration(function, LambdaIntegrationOptions.builder().allowTestInvoke(false).build());
    }

    public RestApi api() {
        return api;
    }

    private void problem(String id, ResponseType type, int status, String slug, String title, String detail) {
        problem(id, type, status, slug, title, detail, Map.of());
    }

    private void problem(String id, ResponseType type, int status, String slug, String title, String detail,
                         Map<String, String> headers) {
        Map<String, String> responseHeaders = new TreeMap<>(headers);
        responseHeaders.put("Content-Type", "'application/problem+json'");
        api.addGatewayResponse(id, GatewayResponseOptions.builder()
                .type(type)
                .statusCode(Integer.toString(status))
                .responseHeaders(responseHeaders)
                .templates(Map.of("application/json", "{\"type\":\"urn:problem:" + slug + "\",\"title\":\"" + title
                        + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}"))
                .build());
    }
}
