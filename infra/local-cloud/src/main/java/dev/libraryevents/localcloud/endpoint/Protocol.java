package dev.libraryevents.localcloud.endpoint;

import com.sun.net.httpserver.HttpExchange;
import dev.libraryevents.localcloud.cloudformation.CloudFormationApi;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.util.UUID;

/** The protocols the endpoint speaks, each with its own way of saying "access denied". */
enum Protocol {
    JSON {
        @Override
        void deny(HttpExchange exchange, String message) throws IOException {
            AwsEndpoint.respondJson(exchange, 400, AwsEndpoint.error("AccessDeniedException", message));
        }
    },
    LAMBDA {
        @Override
        void deny(HttpExchange exchange, String message) throws IOException {
            exchange.getResponseHeaders().set("X-Amzn-ErrorType", "AccessDeniedException");
            AwsEndpoint.respond(exchange, 403, "application/json", CloudTemplate.JSON.createObjectNode()
                    .put("Type", "User").put("message", message).toString());
        }
    },
    SQS_QUERY {
        @Override
        void deny(HttpExchange exchange, String message) throws IOException {
            AwsEndpoint.respondXml(exchange, 403,
                    AwsEndpoint.queryError(AwsEndpoint.SQS_NAMESPACE, "AccessDenied", message));
        }
    },
    CLOUDFORMATION {
        @Override
        void deny(HttpExchange exchange, String message) throws IOException {
            AwsEndpoint.respondXml(exchange, 403,
                    AwsEndpoint.queryError(CloudFormationApi.NAMESPACE, "AccessDenied", message));
        }
    },
    S3 {
        @Override
        void deny(HttpExchange exchange, String message) throws IOException {
            AwsEndpoint.respond(exchange, 403, "application/xml", Xml.document("Error", AwsEndpoint.S3_NAMESPACE)
                    .element("Code", "AccessDenied").element("Message", message)
                    .element("RequestId", UUID.randomUUID().toString()).finish());
        }
    };

    abstract void deny(HttpExchange exchange, String message) throws IOException;
}
