package dev.libraryevents.localcloud.cloudformation;

import com.sun.net.httpserver.HttpExchange;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.endpoint.Xml;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * CloudFormation's query protocol for the one stack the local cloud runs: DescribeStacks (its outputs, the API's URL
 * among them, pointing at the local API), ListStackResources, DescribeStackResource and DescribeStackResources
 * (logical ↔ physical ids), so that a tool finds the stack's parts here as it does on AWS.
 */
public final class CloudFormationApi {

    public static final Set<String> ACTIONS = Set.of("DescribeStacks", "ListStackResources", "DescribeStackResource",
            "DescribeStackResources");
    public static final String NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    private final CloudTemplate template;
    private final Function<String, String> physicalIds;
    private final Supplier<URI> apiUrl;
    private final String stackId;
    private final String created = Instant.now().toString();

    /**
     * @param physicalIds a resource's physical id by logical id, as the running emulators name it
     * @param apiUrl      where the local API is served, which stands for the REST API's stage URL in the outputs
     */
    public CloudFormationApi(CloudTemplate template, Function<String, String> physicalIds, Supplier<URI> apiUrl) {
        this.template = template;
        this.physicalIds = physicalIds;
        this.apiUrl = apiUrl;
        this.stackId = CloudTemplate.arn("cloudformation", "stack/" + template.stackName() + "/"
                + UUID.nameUUIDFromBytes(template.stackName().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public void handle(AwsEndpoint.Call call) throws IOException {
        HttpExchange exchange = call.exchange();
        Map<String, String> parameters = call.parameters();
        String action = parameters.getOrDefault("Action", "");
        if (!ACTIONS.contains(action)) {
            AwsEndpoint.respondXml(exchange, 400, AwsEndpoint.queryError(NAMESPACE, "InvalidAction",
                    "The action " + action + " is not valid for this web service."));
            return;
        }
        call.authorize("cloudformation:" + action, stackId);
        String stack = parameters.get("StackName");
        if ((stack != null && !stack.equals(template.stackName()) && !stack.equals(stackId))
                || (stack == null && !action.equals("DescribeStacks"))) {
            AwsEndpoint.respondXml(exchange, 400, AwsEndpoint.queryError(NAMESPACE, "ValidationError",
                    "Stack with id " + stack + " does not exist"));
            return;
        }
        String logicalId = parameters.get("LogicalResourceId");
        if (logicalId != null && !template.resourceTypes().containsKey(logicalId)) {
            AwsEndpoint.respondXml(exchange, 400, AwsEndpoint.queryError(NAMESPACE, "ValidationError",
                    "Resource " + logicalId + " does not exist for stack " + template.stackName()));
            return;
        }
        Xml answer = Xml.document(action + "Response", NAMESPACE).start(action + "Result");
        switch (action) {
            case "DescribeStacks" -> describeStacks(answer);
            case "ListStackResources" -> {
                answer.start("StackResourceSummaries");
                template.resourceTypes().forEach((id, type) -> resource(answer.start("member"), id, type,
                        "LastUpdatedTimestamp").end());
                answer.end();
            }
            case "DescribeStackResource" -> resource(answer.start("StackResourceDetail")
                    .element("StackName", template.stackName()).element("StackId", stackId), logicalId,
                    template.typeOf(logicalId), "LastUpdatedTimestamp").end();
            default -> {
                String physicalId = parameters.get("PhysicalResourceId");
                answer.start("StackResources");
                template.resourceTypes().forEach((id, type) -> {
                    if ((logicalId == null || logicalId.equals(id))
                            && (physicalId == null || physicalId.equals(physicalIds.apply(id)))) {
                        resource(answer.start("member").element("StackName", template.stackName())
                                .element("StackId", stackId), id, type, "Timestamp").end();
                    }
                });
                answer.end();
            }
        }
        answer.end().start("ResponseMetadata").element("RequestId", UUID.randomUUID().toString()).end();
        AwsEndpoint.respondXml(exchange, 200, answer.finish());
    }

    private void describeStacks(Xml answer) {
        answer.start("Stacks").start("member")
                .element("StackId", stackId)
                .element("StackName", template.stackName())
                .element("CreationTime", created)
                .element("StackStatus", "CREATE_COMPLETE")
                .start("Outputs");
        template.outputs().forEach((key, output) -> answer.start("member")
                .element("OutputKey", key)
                .element("OutputValue", local(template.resolve(output.path("Value"))))
                .element("Description", output.path("Description").asText(null))
                .element("ExportName", output.path("Export").isMissingNode() ? null
                        : template.resolve(output.path("Export").path("Name")))
                .end());
        answer.end().end().end();
    }

    /** The REST API's stage URL on AWS stands for the local API, which serves the stage at its root. */
    private String local(String value) {
        for (String restApi : template.ofType("AWS::ApiGateway::RestApi").keySet()) {
            String prefix = "https://" + template.ref(restApi) + ".execute-api.";
            if (value.startsWith(prefix)) {
                String afterHost = value.substring(value.indexOf('/', prefix.length()) + 1);
                String afterStage = afterHost.contains("/") ? afterHost.substring(afterHost.indexOf('/') + 1) : "";
                return apiUrl.get().resolve(afterStage).toString();
            }
        }
        return value;
    }

    private Xml resource(Xml xml, String logicalId, String type, String timestampElement) {
        return xml.element("LogicalResourceId", logicalId)
                .element("PhysicalResourceId", physicalIds.apply(logicalId))
                .element("ResourceType", type)
                .element(timestampElement, created)
                .element("ResourceStatus", "CREATE_COMPLETE");
    }
}
