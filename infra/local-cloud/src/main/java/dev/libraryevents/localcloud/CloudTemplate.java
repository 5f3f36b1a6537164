package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The synthesized CloudFormation template, read as data: resources by type, and the intrinsic functions the stack
 * uses ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Join}) resolved to the local resources' names and ARNs.
 * Local physical names are the logical ids.
 */
public final class CloudTemplate {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";

    private final JsonNode resources;
    private final Path assetDirectory;
    private BiFunction<String, String, String> attributes = (id, attribute) -> null;

    private CloudTemplate(JsonNode template, Path assetDirectory) {
        this.resources = template.path("Resources");
        this.assetDirectory = assetDirectory;
    }

    /** @param templateFile a template in a cloud assembly (cdk.out), beside the assets it names */
    public static CloudTemplate read(Path templateFile) throws IOException {
        return new CloudTemplate(new ObjectMapper().readTree(templateFile.toFile()), templateFile.getParent());
    }

    /** Lets the running emulators answer the attributes only they know, such as a table's stream ARN. */
    void attributes(BiFunction<String, String, String> resolver) {
        this.attributes = resolver;
    }

    public Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        resources.fields().forEachRemaining(entry -> {
            if (entry.getValue().path("Type").asText().equals(type)) {
                found.put(entry.getKey(), entry.getValue().path("Properties"));
            }
        });
        return found;
    }

    public String typeOf(String logicalId) {
        return resources.path(logicalId).path("Type").asText();
    }

    public JsonNode properties(String logicalId) {
        return resources.path(logicalId).path("Properties");
    }

    /** The file an asset-backed resource (a function's code) was staged as. */
    public Path assetOf(String logicalId) {
        String staged = resources.path(logicalId).path("Metadata").path("aws:asset:path").asText("");
        if (staged.isEmpty()) {
            // Asset metadata is only there when the CLI synthesizes; the S3 key is the staged file's name too.
            staged = "asset." + properties(logicalId).path("Code").path("S3Key").asText();
        }
        Path asset = assetDirectory.resolve(staged);
        if (!Files.isRegularFile(asset)) {
            throw new IllegalStateException("the asset of " + logicalId + " is not at " + asset);
        }
        return asset;
    }

    /** The value of a property: a string, or an intrinsic function resolved locally. */
    public String resolve(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            return ref(value.get("Ref").asText());
        }
        if (value.has("Fn::GetAtt")) {
            JsonNode args = value.get("Fn::GetAtt");
            return getAtt(args.get(0).asText(), args.get(1).asText());
        }
        if (value.has("Fn::Join")) {
            JsonNode args = value.get("Fn::Join");
            List<String> parts = new ArrayList<>();
            args.get(1).forEach(part -> parts.add(resolve(part)));
            return String.join(args.get(0).asText(), parts);
        }
        throw new IllegalArgumentException("the local cloud does not resolve " + value);
    }

    public String ref(String logicalId) {
        switch (logicalId) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            default:
                break;
        }
        String type = typeOf(logicalId);
        if (type.equals("AWS::Events::EventBus")) {
            return properties(logicalId).path("Name").asText();
        }
        if (type.equals("AWS::SQS::Queue")) {
            return getAtt(logicalId, "QueueUrl");
        }
        return logicalId;
    }

    public String getAtt(String logicalId, String attribute) {
        String known = attributes.apply(logicalId, attribute);
        if (known != null) {
            return known;
        }
        String type = typeOf(logicalId);
        String name = type.equals("AWS::Events::EventBus") ? properties(logicalId).path("Name").asText() : logicalId;
        return switch (type + "." + attribute) {
            case "AWS::DynamoDB::Table.Arn" -> arn("dynamodb", "table/" + name);
            case "AWS::SQS::Queue.Arn" -> arn("sqs", logicalId);
            case "AWS::SQS::Queue.QueueName" -> logicalId;
            case "AWS::Lambda::Function.Arn" -> arn("lambda", "function:" + name);
            case "AWS::Events::EventBus.Arn" -> arn("events", "event-bus/" + name);
            case "AWS::Events::EventBus.Name" -> name;
            default -> throw new IllegalArgumentException("no local value for " + logicalId + "." + attribute);
        };
    }

    public static String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + REGION + ":" + ACCOUNT + ":" + resource;
    }

    /** The logical id an ARN-valued property points at, e.g. the queue behind a rule target's Arn. */
    public static String logicalIdOf(JsonNode arnValue) {
        if (arnValue.has("Fn::GetAtt")) {
            return arnValue.get("Fn::GetAtt").get(0).asText();
        }
        if (arnValue.has("Ref")) {
            return arnValue.get("Ref").asText();
        }
        throw new IllegalArgumentException("not a reference: " + arnValue);
    }
}
