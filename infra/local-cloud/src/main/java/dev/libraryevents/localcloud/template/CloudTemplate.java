package dev.libraryevents.localcloud.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.localcloud.kms.KmsEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The synthesized CloudFormation template, read as data: resources by type, and the intrinsic functions the stack
 * uses ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Join}, {@code Fn::Sub}, {@code Fn::Select}, {@code Fn::Split})
 * resolved to the local resources' names and ARNs. Local physical names are the logical ids.
 */
public final class CloudTemplate {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    /** Every stack deployment publishes one version of each function; locally it is always the first. */
    public static final String PUBLISHED_VERSION = "1";

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final JsonNode template;
    private final JsonNode resources;
    private final Path assetDirectory;
    private final String stackName;
    private BiFunction<String, String, String> attributes = (id, attribute) -> null;

    private CloudTemplate(JsonNode template, Path assetDirectory, String stackName) {
        this.template = template;
        this.resources = template.path("Resources");
        this.assetDirectory = assetDirectory;
        this.stackName = stackName;
    }

    /** @param templateFile a template in a cloud assembly (cdk.out), beside the assets it names */
    public static CloudTemplate read(Path templateFile) throws IOException {
        String file = templateFile.getFileName().toString();
        return new CloudTemplate(JSON.readTree(templateFile.toFile()), templateFile.getParent(),
                file.endsWith(".template.json") ? file.substring(0, file.length() - ".template.json".length()) : file);
    }

    /** The stack's name, as {@code cdk synth} names its template file. */
    public String stackName() {
        return stackName;
    }

    /** Every resource's logical id and type, in template order. */
    public Map<String, String> resourceTypes() {
        Map<String, String> types = new LinkedHashMap<>();
        resources.fields().forEachRemaining(entry -> types.put(entry.getKey(), entry.getValue().path("Type").asText()));
        return types;
    }

    /** The stack's outputs, by key: the unresolved value and description. */
    public Map<String, JsonNode> outputs() {
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        template.path("Outputs").fields().forEachRemaining(entry -> outputs.put(entry.getKey(), entry.getValue()));
        return outputs;
    }

    /** Lets the running emulators answer the attributes only they know, such as a table's stream ARN. */
    public void attributes(BiFunction<String, String, String> resolver) {
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
        if (value.has("Fn::Sub")) {
            return substitute(value.get("Fn::Sub"));
        }
        if (value.has("Fn::Select")) {
            JsonNode args = value.get("Fn::Select");
            JsonNode list = args.get(1);
            if (list.has("Fn::Split")) {
                JsonNode split = list.get("Fn::Split");
                return resolve(split.get(1)).split(Pattern.quote(split.get(0).asText()), -1)[args.get(0).asInt()];
            }
            return resolve(list.get(args.get(0).asInt()));
        }
        throw new IllegalArgumentException("the local cloud does not resolve " + value);
    }

    /** {@code Fn::Sub}: a string with {@code ${Name}} and {@code ${Name.Attribute}}, or [string, variables]. */
    private String substitute(JsonNode sub) {
        String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
        JsonNode variables = sub.isArray() ? sub.get(1) : JSON.createObjectNode();
        Matcher variable = SUBSTITUTION.matcher(text);
        StringBuilder result = new StringBuilder();
        while (variable.find()) {
            String name = variable.group(1);
            String value = variables.has(name) ? resolve(variables.get(name))
                    : name.contains(".") && !name.startsWith("AWS::")
                    ? getAtt(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1))
                    : ref(name);
            variable.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        variable.appendTail(result);
        return result.toString();
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
        if (type.equals("AWS::ApiGateway::Stage")) {
            return properties(logicalId).path("StageName").asText();
        }
        if (type.equals("AWS::Cognito::UserPool")) {
            return userPoolId(logicalId);
        }
        if (type.equals("AWS::Cognito::UserPoolClient")) {
            return userPoolClientId(logicalId);
        }
        if (type.equals("AWS::Lambda::Version") || type.equals("AWS::Lambda::Alias")) {
            return invocationArn(logicalId);
        }
        if (type.equals("AWS::S3::Bucket")) {
            return properties(logicalId).path("BucketName").asText(logicalId.toLowerCase(Locale.ROOT));
        }
        if (type.equals("AWS::KMS::Key")) {
            return KmsEmulator.keyIdOf(logicalId);
        }
        if (type.equals("AWS::Cognito::UserPoolGroup")) {
            return properties(logicalId).path("GroupName").asText(logicalId);
        }
        return logicalId;
    }

    /**
     * The function a function, version or alias runs. The local cloud runs one copy of each function, whatever
     * version or alias is invoked: a stack publishes one version per deployment and points its alias at it.
     */
    public String functionBehind(String logicalId) {
        return switch (typeOf(logicalId)) {
            case "AWS::Lambda::Function" -> logicalId;
            case "AWS::Lambda::Version", "AWS::Lambda::Alias" ->
                    functionBehind(logicalIdOf(properties(logicalId).path("FunctionName")));
            default -> throw new IllegalArgumentException(logicalId + " is not a function, version or alias");
        };
    }

    /** The function a name, a qualified name or an ARN names; a local function's name is its logical id. */
    public String functionNamed(String nameOrArn) {
        String function = functionName(nameOrArn);
        if (!typeOf(function).equals("AWS::Lambda::Function")) {
            throw new IllegalArgumentException(nameOrArn + " names no function of the template");
        }
        return function;
    }

    /** A function's name from its name, ARN or partial ARN, with or without a qualifier (a version, an alias). */
    public static String functionName(String nameOrArn) {
        String name = nameOrArn.contains("function:")
                ? nameOrArn.substring(nameOrArn.indexOf("function:") + "function:".length()) : nameOrArn;
        return name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    }

    /**
     * What invoking a function, a version ({@code …:function:Name:1}) or an alias ({@code …:function:Name:live})
     * names.
     */
    public String invocationArn(String logicalId) {
        String function = functionBehind(logicalId);
        return switch (typeOf(logicalId)) {
            case "AWS::Lambda::Version" -> getAtt(function, "Arn") + ":" + PUBLISHED_VERSION;
            case "AWS::Lambda::Alias" -> getAtt(function, "Arn") + ":" + properties(logicalId).path("Name").asText();
            default -> getAtt(function, "Arn");
        };
    }

    /** A user pool's id, shaped as Cognito's ({@code us-east-1_Ab3dE5gH7}) and the same at every start. */
    static String userPoolId(String logicalId) {
        return REGION + "_" + stableId(logicalId, 9, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    }

    /** An app client's id: 26 lowercase letters and digits, as Cognito's are. */
    static String userPoolClientId(String logicalId) {
        return stableId(logicalId, 26, "0123456789abcdefghijklmnopqrstuvwxyz");
    }

    private static String stableId(String seed, int length, String alphabet) {
        Random random = new Random(seed.hashCode() * 31L + length);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
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
            case "AWS::Lambda::Version.Version" -> PUBLISHED_VERSION;
            case "AWS::Lambda::Version.FunctionArn", "AWS::Lambda::Alias.AliasArn" -> invocationArn(logicalId);
            case "AWS::Events::EventBus.Arn" -> arn("events", "event-bus/" + name);
            case "AWS::Events::EventBus.Name" -> name;
            case "AWS::Events::Rule.Arn" -> ruleArn(busOfRule(logicalId), logicalId);
            case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + ref(logicalId);
            case "AWS::KMS::Key.Arn" -> arn("kms", "key/" + KmsEmulator.keyIdOf(logicalId));
            case "AWS::KMS::Key.KeyId" -> KmsEmulator.keyIdOf(logicalId);
            case "AWS::IAM::Role.Arn" -> "arn:aws:iam::" + ACCOUNT + ":role/" + logicalId;
            case "AWS::Cognito::UserPool.Arn" -> arn("cognito-idp", "userpool/" + userPoolId(logicalId));
            case "AWS::Cognito::UserPool.ProviderName", "AWS::Cognito::UserPool.ProviderURL" ->
                    "cognito-idp." + REGION + ".amazonaws.com/" + userPoolId(logicalId);
            default -> throw new IllegalArgumentException("no local value for " + logicalId + "." + attribute);
        };
    }

    private String busOfRule(String ruleId) {
        JsonNode bus = properties(ruleId).path("EventBusName");
        return bus.isMissingNode() ? "default" : resolve(bus);
    }

    /** A rule on a custom bus has the bus's name in its ARN; on the default bus it does not. */
    public static String ruleArn(String busName, String ruleName) {
        return arn("events", "rule/" + (busName.equals("default") ? "" : busName + "/") + ruleName);
    }

    /** The ARN API Gateway invokes a function as, for one request: what a Lambda permission's SourceArn names. */
    public static String executeApiArn(String restApiId, String stage, String method, String path) {
        return arn("execute-api", restApiId + "/" + stage + "/" + method + path);
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
