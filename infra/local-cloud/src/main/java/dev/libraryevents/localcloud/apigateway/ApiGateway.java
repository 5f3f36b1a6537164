package dev.libraryevents.localcloud.apigateway;

import dev.libraryevents.localcloud.cognito.CognitoIdp;
import dev.libraryevents.localcloud.cognito.Jwt;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The template's REST API on localhost: its resource tree and methods ({@code ANY} and greedy {@code {proxy+}}
 * resources included, the most specific match first), their Cognito authorizer ({@link CognitoIdp} checks the
 * token; its claims go to the function), the Lambda proxy event v1 it sends, and API Gateway's own answers: the
 * template's gateway responses for a missing or refused token (401) and for a path or method with no route, a 502
 * when the function fails, a 504 when it times out, and a problem+json 400 for a request it cannot parse (bad
 * percent-encoding, a {@code Content-Length} that is not a number), as API Gateway answers those before any
 * function. Served by Jetty, whose error handler, unlike the JDK server's fixed text/html, can answer a malformed
 * request in that format.
 */
public final class ApiGateway implements AutoCloseable {

    private static final long IDLE_CONNECTION_MILLIS = 10 * 60 * 1000;
    private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT",
            "PATCH", "DELETE", "OPTIONS");

    private final Routes routes;
    private final GatewayResponses gatewayResponses;
    private final Iam iam;
    private final CognitoIdp cognito;
    private final String restApiId;
    private final Server server;
    private final String stage;

    public ApiGateway(CloudTemplate template, Map<String, LocalFunction> functions, Iam iam, CognitoIdp cognito,
                      String host, int port) throws Exception {
        this.iam = iam;
        this.cognito = cognito;
        this.restApiId = template.ofType("AWS::ApiGateway::RestApi").keySet().stream().findFirst().orElse("local");
        this.routes = new Routes(template, functions);
        this.gatewayResponses = new GatewayResponses(template);
        stage = template.ofType("AWS::ApiGateway::Stage").values().stream()
                .map(s -> s.path("StageName").asText()).findFirst().orElse("local");
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("api");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        // Jetty closes a keep-alive connection idle for 30 s by default; a client that reuses it at that moment
        // (java.net.http keeps them 20 minutes) has its request fail with a broken pipe. Idle connections are cheap.
        connector.setIdleTimeout(IDLE_CONNECTION_MILLIS);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                ApiGateway.this.handle(request, response, callback);
                return true;
            }
        });
        server.setErrorHandler((request, response, callback) -> {
            Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
            // Jetty drops the connection after a request it could not parse (a NUL in the path, say) but says so
            // only when its own error page answers; without the header a client reuses the connection and its next
            // request gets no answer at all.
            GatewayResponses.answer(response, callback, status instanceof Integer code && code >= 400 ? code : 400,
                    "application/problem+json",
                    GatewayResponses.malformedRequest(status instanceof Integer code ? code : 400),
                    Map.of(HttpHeader.CONNECTION.asString(), HttpHeaderValue.CLOSE.asString()));
            return true;
        });
        server.start();
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private void handle(Request request, Response response, Callback callback) {
        try {
            // Read whole before any answer: a body left unread makes Jetty drop the connection after the answer,
            // and a client that reuses it finds it closed.
            byte[] body = BufferUtil.toArray(Content.Source.asByteBuffer(request));
            String path = request.getHttpURI().getPath();
            String method = request.getMethod();
            // Parsed before routing and authorizing, as API Gateway does: a bad query is a 400 for anyone.
            ProxyEvent.Query query = ProxyEvent.query(request.getHttpURI().getQuery());
            Map<String, String> parameters = new HashMap<>();
            Routes.Route route = routes.match(method, path, parameters);
            if (route == null) {
                gatewayResponses.answer(response, callback, "MISSING_AUTHENTICATION_TOKEN");
                return;
            }
            Map<String, String> claims = null;
            if (route.authorizer() != null) {
                claims = authorize(route.authorizer(), request.getHeaders().get(route.authorizer().header()));
                if (claims == null) {
                    gatewayResponses.answer(response, callback, "UNAUTHORIZED");
                    return;
                }
            }
            if (!permitted(route, method)) {
                // What API Gateway answers when the function's resource policy does not let it invoke.
                GatewayResponses.failed(response, callback, 500, "Internal server error");
                return;
            }
            String event = ProxyEvent.event(request, route, stage, method, path, parameters, query, body, claims);
            LocalFunction.Result result = route.function().invoke(event).get();
            switch (result.outcome()) {
                case TIMEOUT -> GatewayResponses.failed(response, callback, 504, "Endpoint request timed out");
                case ERROR -> GatewayResponses.failed(response, callback, 502, "Internal server error");
                default -> ProxyEvent.answer(response, callback, method, result.body());
            }
        } catch (IllegalArgumentException badEncoding) {
            GatewayResponses.answer(response, callback, 400, "application/problem+json",
                    GatewayResponses.malformedRequest(400), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (Exception e) {
            GatewayResponses.failed(response, callback, 502, "Internal server error");
        }
    }

    /**
     * What API Gateway's Cognito authorizer does: the token (bare, or after {@code Bearer }) must be an ID token one
     * of the authorizer's pools signed, for one of its app clients, not expired. Null when refused; the reason goes
     * to the local cloud's log only, as AWS tells the client no more than 401.
     */
    private Map<String, String> authorize(Routes.Authorizer authorizer, String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : header.strip();
        try {
            return cognito.verifyIdToken(token, authorizer.poolArns());
        } catch (Jwt.Refused refused) {
            Log.info("API Gateway: 401, " + refused.getMessage());
            return null;
        }
    }

    /**
     * Whether the function's {@code AWS::Lambda::Permission}s let the gateway invoke it for this route and method,
     * decided once per route and method on a path that stands for the route's ({x} and {x+} as one segment).
     */
    private boolean permitted(Routes.Route route, String method) {
        // Any token is a method to HTTP: an unusual one is checked under one name, so that the decisions stay few.
        String known = HTTP_METHODS.contains(method) ? method : "OTHER";
        return route.permitted().computeIfAbsent(known, m -> {
            String path = route.resourcePath().replaceAll("\\{[^}]+}", "x");
            return iam.checkService("apigateway.amazonaws.com", "lambda:InvokeFunction", route.functionArn(),
                    CloudTemplate.executeApiArn(restApiId, stage, m, path)) == null;
        });
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
