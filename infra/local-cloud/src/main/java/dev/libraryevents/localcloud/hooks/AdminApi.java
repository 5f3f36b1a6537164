package dev.libraryevents.localcloud.hooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;

/**
 * The local cloud's own operations, under {@code /_localcloud/} on the AWS endpoint: what AWS shows in CloudWatch
 * and its console rather than through an API. {@code GET functions} (init durations, and what each function busy
 * now has waiting and running), {@code GET metering} (the
 * counters a bill is made of), {@code POST schedules/<rule>/fire} (run a schedule now). Everything else a tool
 * needs is an AWS API on the same endpoint.
 */
public final class AdminApi implements HttpHandler {

    private final Hooks cloud;

    public AdminApi(Hooks cloud) {
        this.cloud = cloud;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring("/_localcloud/".length());
            String method = exchange.getRequestMethod();
            ObjectNode answer = CloudTemplate.JSON.createObjectNode();
            if (method.equals("GET") && path.equals("functions")) {
                ArrayNode list = answer.putArray("functions");
                cloud.initDurations().forEach((name, durations) -> {
                    ArrayNode init = list.addObject().put("name", name).putArray("initDurationsMs");
                    durations.forEach(init::add);
                });
                ArrayNode busy = answer.putArray("busy");
                cloud.busyFunctions().forEach(busy::add);
                answer.put("bootMillis", cloud.bootMillis());
                answer.put("eventsPut", cloud.eventsPut());
            } else if (method.equals("GET") && path.equals("metering")) {
                ObjectNode counters = answer.putObject("counters");
                cloud.metering().snapshot().forEach(counters::put);
                ObjectNode memory = answer.putObject("memoryMb");
                cloud.metering().memoryMb().forEach(memory::put);
            } else if (method.equals("POST") && path.startsWith("schedules/") && path.endsWith("/fire")) {
                answer.put("fired", cloud.fireSchedule(path.substring("schedules/".length(), path.length() - 5)));
            } else {
                AwsEndpoint.respond(exchange, 404, "application/json", CloudTemplate.JSON.createObjectNode()
                        .put("message", "unknown local cloud operation: " + method + " /_localcloud/" + path)
                        .toString());
                return;
            }
            AwsEndpoint.respond(exchange, 200, "application/json", answer.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            AwsEndpoint.respond(exchange, 400, "application/json", CloudTemplate.JSON.createObjectNode()
                    .put("message", String.valueOf(e.getMessage())).toString());
        }
    }
}
