package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.apigateway.ApiGateway;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cognito user pools from the template, over Cognito's own API ({@code aws cognito-idp …}): users created and given
 * passwords by an administrator, groups, password sign-in, and tokens as Cognito issues them, RS256 JWTs signed by a
 * key the local cloud makes, published at the pool's {@code /.well-known/jwks.json}. The issuer is the pool's URL on
 * this endpoint ({@code http://127.0.0.1:4566/us-east-1_…}), where AWS's is {@code https://cognito-idp.<region>…}.
 * The local {@link ApiGateway}'s authorizer checks tokens with {@link #verifyIdToken}. With a data directory, users
 * and the key outlive a restart, so tokens issued before it still hold.
 */
public final class CognitoIdp {

    public static final String TARGET_PREFIX = "AWSCognitoIdentityProviderService";

    private static final Pattern WELL_KNOWN =
            Pattern.compile("^/([a-z]{2}-[a-z]+-\\d_[0-9A-Za-z]+)/\\.well-known/(jwks\\.json|openid-configuration)$");
    /** How API Gateway renders {@code exp} and {@code iat} in the claims it passes on. */
    private static final DateTimeFormatter CLAIM_DATE =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.US).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Client(String id, String name, String poolId, Set<String> authFlows, Duration idTokenValidity,
                          Duration accessTokenValidity, boolean hidesUnknownUsers) {}

    private record PasswordPolicy(int minimumLength, boolean lowercase, boolean uppercase, boolean numbers,
                                  boolean symbols) {

        /** What is wrong with the password, in Cognito's words, or null. */
        String violation(String password) {
            if (password.length() < minimumLength) {
                return "Password not long enough";
            }
            if (lowercase && password.chars().noneMatch(Character::isLowerCase)) {
                return "Password must have lowercase characters";
            }
            if (uppercase && password.chars().noneMatch(Character::isUpperCase)) {
                return "Password must have uppercase characters";
            }
            if (numbers && password.chars().noneMatch(Character::isDigit)) {
                return "Password must have numeric characters";
            }
            if (symbols && password.chars().allMatch(Character::isLetterOrDigit)) {
                return "Password must have symbol characters";
            }
            return null;
        }
    }

    private record Pool(String id, String arn, boolean emailIsUsername, PasswordPolicy policy, Set<String> groups,
                        Map<String, User> users) {}

    /** One user; {@code username} is the sub when the pool signs in by email, as Cognito does. */
    private static final class User {
        String sub;
        String username;
        String email;
        boolean emailVerified;
        String password;
        String status;
        Set<String> groups = new TreeSet<>();
        Instant created;
        Instant modified;
    }

    private record Session(String poolId, String sub, String clientId) {}

    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final Map<String, Session> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Session> challenges = new ConcurrentHashMap<>();
    private final Supplier<URI> endpoint;
    private final Iam iam;
    private final Path store;
    private final Clock clock;
    private final KeyPair key;
    private final String kid;

    /**
     * @param endpoint the AWS endpoint's URL, the issuers' base
     * @param dataDirectory null to keep users and the signing key in memory
     */
    public CognitoIdp(CloudTemplate template, Supplier<URI> endpoint, Iam iam, Path dataDirectory, Clock clock)
            throws IOException {
        this.endpoint = endpoint;
        this.iam = iam;
        this.clock = clock;
        this.store = dataDirectory == null ? null : dataDirectory.resolve("cognito.json");
        for (Map.Entry<String, JsonNode> pool : template.ofType("AWS::Cognito::UserPool").entrySet()) {
            JsonNode properties = pool.getValue();
            JsonNode policy = properties.path("Policies").path("PasswordPolicy");
            String id = template.ref(pool.getKey());
            boolean email = false;
            for (JsonNode attribute : properties.path("UsernameAttributes")) {
                email |= attribute.asText().equals("email");
            }
            pools.put(id, new Pool(id, template.getAtt(pool.getKey(), "Arn"), email,
                    new PasswordPolicy(policy.path("MinimumLength").asInt(8),
                            policy.path("RequireLowercase").asBoolean(true),
                            policy.path("RequireUppercase").asBoolean(true),
                            policy.path("RequireNumbers").asBoolean(true),
                            policy.path("RequireSymbols").asBoolean(true)),
                    new TreeSet<>(), new ConcurrentHashMap<>()));
        }
        for (JsonNode group : template.ofType("AWS::Cognito::UserPoolGroup").values()) {
            Pool pool = pools.get(template.resolve(group.path("UserPoolId")));
            if (pool != null) {
                pool.groups().add(group.path("GroupName").asText());
            }
        }
        for (Map.Entry<String, JsonNode> client : template.ofType("AWS::Cognito::UserPoolClient").entrySet()) {
            JsonNode properties = client.getValue();
            Set<String> flows = new LinkedHashSet<>();
            properties.path("ExplicitAuthFlows").forEach(flow -> flows.add(flow.asText()));
            JsonNode units = properties.path("TokenValidityUnits");
            String id = template.ref(client.getKey());
            // Named as the template names it, or by its logical id, as every local resource is.
            String name = properties.path("ClientName").asText(client.getKey());
            clients.put(id, new Client(id, name, template.resolve(properties.path("UserPoolId")), flows,
                    validity(properties.path("IdTokenValidity"), units.path("IdToken").asText("hours")),
                    validity(properties.path("AccessTokenValidity"), units.path("AccessToken").asText("hours")),
                    properties.path("PreventUserExistenceErrors").asText().equals("ENABLED")));
        }
        this.key = store != null && Files.exists(store) ? restore() : newKey();
        this.kid = HexFormat.of().formatHex(sha256(key.getPublic().getEncoded()), 0, 16);
    }

    boolean hasPools() {
        return !pools.isEmpty();
    }

    /** Every pool's id, with its app clients' ids: what {@code bin/local-cloud} prints for signing in. */
    public Map<String, List<String>> poolsAndClients() {
        Map<String, List<String>> found = new LinkedHashMap<>();
        pools.keySet().forEach(pool -> found.put(pool, clients.values().stream()
                .filter(client -> client.poolId().equals(pool)).map(Client::id).toList()));
        return found;
    }

    public String issuer(String poolId) {
        return endpoint.get().toString().replaceAll("/$", "") + "/" + poolId;
    }

    // --- API Gateway's authorizer -------------------------------------------------------------------------------

    /**
     * The claims of a valid ID token one of these pools issued, as API Gateway's Cognito authorizer passes them on
     * (every value a string); otherwise {@link Jwt.Refused} with the reason, which the client never sees.
     */
    public Map<String, String> verifyIdToken(String token, Collection<String> poolArns) throws Jwt.Refused {
        Jwt.Parsed jwt = Jwt.parse(token);
        if (!jwt.header().path("alg").asText().equals("RS256")) {
            throw new Jwt.Refused("alg " + jwt.header().path("alg") + " is not RS256");
        }
        if (!jwt.header().path("kid").asText().equals(kid) || !jwt.signedBy(key.getPublic())) {
            throw new Jwt.Refused("not signed by the pool's key");
        }
        JsonNode claims = jwt.claims();
        Pool pool = pools.values().stream().filter(p -> poolArns.contains(p.arn()))
                .filter(p -> issuer(p.id()).equals(claims.path("iss").asText())).findFirst()
                .orElseThrow(() -> new Jwt.Refused("issuer " + claims.path("iss") + " is not the authorizer's pool"));
        if (!claims.path("token_use").asText().equals("id")) {
            throw new Jwt.Refused("token_use " + claims.path("token_use") + ": the authorizer takes ID tokens");
        }
        Client client = clients.get(claims.path("aud").asText());
        if (client == null || !client.poolId().equals(pool.id())) {
            throw new Jwt.Refused("audience " + claims.path("aud") + " is none of the pool's app clients");
        }
        if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() <= clock.instant().getEpochSecond()) {
            throw new Jwt.Refused("expired at " + claims.path("exp"));
        }
        Map<String, String> passed = new LinkedHashMap<>();
        claims.fields().forEachRemaining(claim -> passed.put(claim.getKey(), asClaimString(claim.getKey(),
                claim.getValue())));
        return passed;
    }

    private static String asClaimString(String name, JsonNode value) {
        if ((name.equals("exp") || name.equals("iat")) && value.canConvertToLong()) {
            return CLAIM_DATE.format(Instant.ofEpochSecond(value.asLong()));
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** Signs {@code claims} with the pool's key: for tests that forge a token which fails one check only. */
    public String sign(ObjectNode claims) {
        return Jwt.sign(kid, key.getPrivate(), claims);
    }

    // --- The well-known documents -------------------------------------------------------------------------------

    /** Answers {@code /<poolId>/.well-known/jwks.json} and {@code openid-configuration}; false for other paths. */
    public boolean serveWellKnown(AwsEndpoint.Call call) throws IOException {
        Matcher path = WELL_KNOWN.matcher(call.exchange().getRequestURI().getPath());
        if (!path.matches()) {
            return false;
        }
        if (!pools.containsKey(path.group(1))) {
            AwsEndpoint.respond(call.exchange(), 404, "application/json",
                    "{\"message\":\"User pool " + path.group(1) + " does not exist.\"}");
            return true;
        }
        ObjectNode document = CloudTemplate.JSON.createObjectNode();
        if (path.group(2).equals("jwks.json")) {
            document.putArray("keys").add(Jwt.jwk(kid, (RSAPublicKey) key.getPublic()));
        } else {
            String issuer = issuer(path.group(1));
            document.put("issuer", issuer).put("jwks_uri", issuer + "/.well-known/jwks.json");
            document.putArray("id_token_signing_alg_values_supported").add("RS256");
            document.putArray("subject_types_supported").add("public");
        }
        AwsEndpoint.respond(call.exchange(), 200, "application/json", document.toString());
        return true;
    }

    // --- The API --------------------------------------------------------------------------------------------------

    /** One {@code AWSCognitoIdentityProviderService.<operation>} call (JSON 1.1). */
    public void handle(AwsEndpoint.Call call, String operation) throws IOException {
        JsonNode request = AwsEndpoint.readJson(call.body());
        if (!request.isObject()) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error("SerializationException",
                    "the body is not a JSON object"));
            return;
        }
        try {
            if (operation.startsWith("Admin") || operation.equals("ListUsers")) {
                Pool pool = pool(request);
                String denial = iam.check(call.caller(), "cognito-idp:" + operation, pool.arn(), Map.of());
                if (denial != null) {
                    throw new Failure("AccessDeniedException", denial);
                }
            }
            ObjectNode answer = switch (operation) {
                case "AdminCreateUser" -> adminCreateUser(request);
                case "AdminSetUserPassword" -> adminSetUserPassword(request);
                case "AdminAddUserToGroup" -> adminGroup(request, true);
                case "AdminRemoveUserFromGroup" -> adminGroup(request, false);
                case "AdminListGroupsForUser" -> adminListGroupsForUser(request);
                case "AdminGetUser" -> adminGetUser(request);
                case "AdminDeleteUser" -> adminDeleteUser(request);
                case "AdminInitiateAuth" -> initiateAuth(request, true);
                case "InitiateAuth" -> initiateAuth(request, false);
                case "RespondToAuthChallenge", "AdminRespondToAuthChallenge" -> respondToChallenge(request);
                case "ListUsers" -> listUsers(request);
                case "ListUserPools" -> listUserPools();
                case "ListUserPoolClients" -> listUserPoolClients(request);
                case "DescribeUserPoolClient" -> describeUserPoolClient(request);
                default -> throw new Failure("UnknownOperationException",
                        "The local cloud does not know the operation " + operation);
            };
            AwsEndpoint.respondJson(call.exchange(), 200, answer.toString());
        } catch (Failure failure) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error(failure.type, failure.getMessage()));
        }
    }

    /** A Cognito error: its {@code __type} and message. */
    private static final class Failure extends Exception {
        final String type;

        Failure(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    private ObjectNode adminCreateUser(JsonNode request) throws Failure {
        Pool pool = pool(request);
        String username = required(request, "Username");
        Map<String, String> attributes = attributes(request.path("UserAttributes"));
        User user = new User();
        user.sub = UUID.randomUUID().toString();
        if (pool.emailIsUsername()) {
            if (!username.contains("@")) {
                throw new Failure("InvalidParameterException", "Username should be an email.");
            }
            user.username = user.sub;
            user.email = username.toLowerCase(Locale.ROOT);
        } else {
            user.username = username;
            user.email = attributes.get("email");
        }
        user.emailVerified = "true".equals(attributes.get("email_verified"));
        String temporary = request.path("TemporaryPassword").asText(null);
        if (temporary != null) {
            checkPassword(pool, temporary);
        }
        user.password = temporary != null ? temporary : randomPassword();
        user.status = "FORCE_CHANGE_PASSWORD";
        user.created = user.modified = clock.instant();
        synchronized (pool) {
            if (find(pool, username).isPresent() || (user.email != null && find(pool, user.email).isPresent())) {
                throw new Failure("UsernameExistsException", "An account with the given email already exists.");
            }
            pool.users().put(user.sub, user);
        }
        save();
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        describe(user, answer.putObject("User"), "Attributes");
        return answer;
    }

    private ObjectNode adminSetUserPassword(JsonNode request) throws Failure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        String password = required(request, "Password");
        checkPassword(pool, password);
        synchronized (pool) {
            user.password = password;
            user.status = request.path("Permanent").asBoolean(false) ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
            user.modified = clock.instant();
        }
        save();
        return CloudTemplate.JSON.createObjectNode();
    }

    private ObjectNode adminGroup(JsonNode request, boolean add) throws Failure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        String group = required(request, "GroupName");
        if (!pool.groups().contains(group)) {
            throw new Failure("ResourceNotFoundException", "Group not found.");
        }
        synchronized (pool) {
            if (add) {
                user.groups.add(group);
            } else {
                user.groups.remove(group);
            }
        }
        save();
        return CloudTemplate.JSON.createObjectNode();
    }

    private ObjectNode adminListGroupsForUser(JsonNode request) throws Failure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode groups = answer.putArray("Groups");
        user.groups.forEach(group -> groups.addObject().put("GroupName", group).put("UserPoolId", pool.id()));
        return answer;
    }

    private ObjectNode adminGetUser(JsonNode request) throws Failure {
        Pool pool = pool(request);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        describe(user(pool, required(request, "Username")), answer, "UserAttributes");
        return answer;
    }

    private ObjectNode adminDeleteUser(JsonNode request) throws Failure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        pool.users().remove(user.sub);
        refreshTokens.values().removeIf(session -> session.sub().equals(user.sub));
        save();
        return CloudTemplate.JSON.createObjectNode();
    }

    private ObjectNode listUsers(JsonNode request) throws Failure {
        Pool pool = pool(request);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode users = answer.putArray("Users");
        pool.users().values().forEach(user -> describe(user, users.addObject(), "Attributes"));
        return answer;
    }

    private ObjectNode listUserPools() {
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode list = answer.putArray("UserPools");
        pools.values().forEach(pool -> list.addObject().put("Id", pool.id()).put("Name", pool.id()));
        return answer;
    }

    /** The usual way to find a pool's app client: its id, pool and name, in the order the template declares them. */
    private ObjectNode listUserPoolClients(JsonNode request) throws Failure {
        String poolId = pool(request).id();
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode list = answer.putArray("UserPoolClients");
        clients.values().stream().filter(client -> client.poolId().equals(poolId)).forEach(client ->
                list.addObject().put("ClientId", client.id()).put("UserPoolId", poolId)
                        .put("ClientName", client.name()));
        return answer;
    }

    private ObjectNode describeUserPoolClient(JsonNode request) throws Failure {
        String poolId = pool(request).id();
        Client client = clients.get(required(request, "ClientId"));
        if (client == null || !client.poolId().equals(poolId)) {
            throw new Failure("ResourceNotFoundException", "User pool client " + request.path("ClientId").asText()
                    + " does not exist.");
        }
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ObjectNode described = answer.putObject("UserPoolClient").put("UserPoolId", poolId)
                .put("ClientName", client.name()).put("ClientId", client.id())
                .put("IdTokenValidity", client.idTokenValidity().toMinutes())
                .put("AccessTokenValidity", client.accessTokenValidity().toMinutes())
                .put("PreventUserExistenceErrors", client.hidesUnknownUsers() ? "ENABLED" : "LEGACY");
        described.putObject("TokenValidityUnits").put("IdToken", "minutes").put("AccessToken", "minutes");
        ArrayNode flows = described.putArray("ExplicitAuthFlows");
        client.authFlows().forEach(flows::add);
        return answer;
    }

    /**
     * Password sign-in: {@code ADMIN_USER_PASSWORD_AUTH} (admin) or {@code USER_PASSWORD_AUTH}, and
     * {@code REFRESH_TOKEN_AUTH}, each only when the app client allows it, as Cognito checks.
     */
    private ObjectNode initiateAuth(JsonNode request, boolean admin) throws Failure {
        Client client = clients.get(required(request, "ClientId"));
        if (client == null || (admin && !client.poolId().equals(required(request, "UserPoolId")))) {
            throw new Failure("ResourceNotFoundException", "User pool client " + request.path("ClientId").asText()
                    + " does not exist.");
        }
        Pool pool = pools.get(client.poolId());
        String flow = required(request, "AuthFlow");
        JsonNode parameters = request.path("AuthParameters");
        if (flow.equals("REFRESH_TOKEN_AUTH") || flow.equals("REFRESH_TOKEN")) {
            Session session = refreshTokens.get(parameters.path("REFRESH_TOKEN").asText());
            if (session == null || !session.clientId().equals(client.id())
                    || !pool.users().containsKey(session.sub())) {
                throw new Failure("NotAuthorizedException", "Invalid Refresh Token");
            }
            return tokens(pool, pool.users().get(session.sub()), client, false);
        }
        String allowed = admin && (flow.equals("ADMIN_USER_PASSWORD_AUTH") || flow.equals("ADMIN_NO_SRP_AUTH"))
                ? "ALLOW_ADMIN_USER_PASSWORD_AUTH" : !admin && flow.equals("USER_PASSWORD_AUTH")
                ? "ALLOW_USER_PASSWORD_AUTH" : null;
        if (allowed == null) {
            throw new Failure("InvalidParameterException", "The local cloud does not support the auth flow " + flow
                    + "; use " + (admin ? "ADMIN_USER_PASSWORD_AUTH" : "USER_PASSWORD_AUTH"));
        }
        if (!client.authFlows().contains(allowed) && !client.authFlows().contains(allowed.replace("ALLOW_", ""))) {
            throw new Failure("InvalidParameterException", "Auth flow not enabled for this client");
        }
        Optional<User> found = find(pool, parameters.path("USERNAME").asText());
        if (found.isEmpty() && !client.hidesUnknownUsers()) {
            throw new Failure("UserNotFoundException", "User does not exist.");
        }
        if (found.isEmpty() || !found.get().password.equals(parameters.path("PASSWORD").asText())) {
            throw new Failure("NotAuthorizedException", "Incorrect username or password.");
        }
        User user = found.get();
        if (user.status.equals("FORCE_CHANGE_PASSWORD")) {
            String session = randomToken();
            challenges.put(session, new Session(pool.id(), user.sub, client.id()));
            ObjectNode answer = CloudTemplate.JSON.createObjectNode().put("ChallengeName", "NEW_PASSWORD_REQUIRED")
                    .put("Session", session);
            answer.putObject("ChallengeParameters").put("USER_ID_FOR_SRP", user.username)
                    .put("requiredAttributes", "[]").put("userAttributes", "{\"email\":\"" + user.email + "\"}");
            return answer;
        }
        return tokens(pool, user, client, true);
    }

    private ObjectNode respondToChallenge(JsonNode request) throws Failure {
        if (!request.path("ChallengeName").asText().equals("NEW_PASSWORD_REQUIRED")) {
            throw new Failure("InvalidParameterException", "The local cloud answers only NEW_PASSWORD_REQUIRED");
        }
        Session session = challenges.remove(request.path("Session").asText());
        if (session == null || !session.clientId().equals(request.path("ClientId").asText())) {
            throw new Failure("NotAuthorizedException", "Invalid session for the user, session is expired.");
        }
        Pool pool = pools.get(session.poolId());
        User user = pool.users().get(session.sub());
        String password = request.path("ChallengeResponses").path("NEW_PASSWORD").asText("");
        checkPassword(pool, password);
        synchronized (pool) {
            user.password = password;
            user.status = "CONFIRMED";
            user.modified = clock.instant();
        }
        save();
        return tokens(pool, user, clients.get(session.clientId()), true);
    }

    /** The three tokens of a sign-in, with Cognito's claims. */
    private ObjectNode tokens(Pool pool, User user, Client client, boolean withRefreshToken) {
        long now = clock.instant().getEpochSecond();
        String originJti = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        ObjectNode id = CloudTemplate.JSON.createObjectNode().put("sub", user.sub);
        if (!user.groups.isEmpty()) {
            user.groups.forEach(id.withArray("cognito:groups")::add);
        }
        id.put("email_verified", user.emailVerified).put("iss", issuer(pool.id()))
                .put("cognito:username", user.username).put("origin_jti", originJti).put("aud", client.id())
                .put("event_id", eventId).put("token_use", "id").put("auth_time", now)
                .put("exp", now + client.idTokenValidity().toSeconds()).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        if (user.email != null) {
            id.put("email", user.email);
        }
        ObjectNode access = CloudTemplate.JSON.createObjectNode().put("sub", user.sub);
        if (!user.groups.isEmpty()) {
            user.groups.forEach(access.withArray("cognito:groups")::add);
        }
        access.put("iss", issuer(pool.id())).put("client_id", client.id()).put("origin_jti", originJti)
                .put("event_id", eventId).put("token_use", "access").put("scope", "aws.cognito.signin.user.admin")
                .put("auth_time", now).put("exp", now + client.accessTokenValidity().toSeconds()).put("iat", now)
                .put("jti", UUID.randomUUID().toString()).put("username", user.username);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        answer.putObject("ChallengeParameters");
        ObjectNode result = answer.putObject("AuthenticationResult")
                .put("AccessToken", sign(access))
                .put("ExpiresIn", client.accessTokenValidity().toSeconds())
                .put("TokenType", "Bearer")
                .put("IdToken", sign(id));
        if (withRefreshToken) {
            String refresh = randomToken();
            refreshTokens.put(refresh, new Session(pool.id(), user.sub, client.id()));
            result.put("RefreshToken", refresh);
        }
        return answer;
    }

    // --- Helpers --------------------------------------------------------------------------------------------------

    private Pool pool(JsonNode request) throws Failure {
        Pool pool = pools.get(required(request, "UserPoolId"));
        if (pool == null) {
            throw new Failure("ResourceNotFoundException", "User pool " + request.path("UserPoolId").asText()
                    + " does not exist.");
        }
        return pool;
    }

    private static User user(Pool pool, String username) throws Failure {
        return find(pool, username).orElseThrow(() -> new Failure("UserNotFoundException", "User does not exist."));
    }

    /** By username or sub, or by email where the pool signs in by email (case-insensitively). */
    private static Optional<User> find(Pool pool, String username) {
        return pool.users().values().stream().filter(user -> user.username.equals(username)
                || user.sub.equals(username) || (pool.emailIsUsername() && user.email != null
                && user.email.equalsIgnoreCase(username))).findFirst();
    }

    private static String required(JsonNode request, String field) throws Failure {
        String value = request.path(field).asText("");
        if (value.isEmpty()) {
            throw new Failure("InvalidParameterException", "1 validation error detected: Value at '"
                    + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        return value;
    }

    private static void checkPassword(Pool pool, String password) throws Failure {
        String violation = pool.policy().violation(password);
        if (violation != null) {
            throw new Failure("InvalidPasswordException", "Password did not conform with policy: " + violation);
        }
    }

    private static Map<String, String> attributes(JsonNode list) {
        Map<String, String> attributes = new LinkedHashMap<>();
        list.forEach(attribute -> attributes.put(attribute.path("Name").asText(), attribute.path("Value").asText()));
        return attributes;
    }

    private static void describe(User user, ObjectNode into, String attributesField) {
        into.put("Username", user.username).put("Enabled", true).put("UserStatus", user.status)
                .put("UserCreateDate", user.created.getEpochSecond())
                .put("UserLastModifiedDate", user.modified.getEpochSecond());
        ArrayNode attributes = into.putArray(attributesField);
        attributes.addObject().put("Name", "sub").put("Value", user.sub);
        if (user.email != null) {
            attributes.addObject().put("Name", "email").put("Value", user.email);
            attributes.addObject().put("Name", "email_verified").put("Value", Boolean.toString(user.emailVerified));
        }
    }

    private static Duration validity(JsonNode amount, String unit) {
        if (!amount.canConvertToLong()) {
            return Duration.ofHours(1);
        }
        return switch (unit) {
            case "seconds" -> Duration.ofSeconds(amount.asLong());
            case "minutes" -> Duration.ofMinutes(amount.asLong());
            case "days" -> Duration.ofDays(amount.asLong());
            default -> Duration.ofHours(amount.asLong());
        };
    }

    /** Meets any password policy Cognito allows: letters of both cases, digits and a symbol, 20 long. */
    private static String randomPassword() {
        return "Tmp-" + randomToken().substring(0, 12) + "a7Z!";
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA here", e);
        }
    }

    // --- Persistence ------------------------------------------------------------------------------------------------

    private synchronized void save() {
        if (store == null) {
            return;
        }
        ObjectNode state = CloudTemplate.JSON.createObjectNode()
                .put("privateKey", Base64.getEncoder().encodeToString(key.getPrivate().getEncoded()))
                .put("publicKey", Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
        ObjectNode saved = state.putObject("pools");
        pools.values().forEach(pool -> {
            ArrayNode users = saved.putArray(pool.id());
            pool.users().values().forEach(user -> {
                ObjectNode item = users.addObject().put("sub", user.sub).put("username", user.username)
                        .put("email", user.email).put("emailVerified", user.emailVerified)
                        .put("password", user.password).put("status", user.status)
                        .put("created", user.created.toString()).put("modified", user.modified.toString());
                user.groups.forEach(item.withArray("groups")::add);
            });
        });
        try {
            Files.createDirectories(store.getParent());
            Path partial = store.resolveSibling("cognito.json.partial");
            Files.writeString(partial, state.toString());
            Files.move(partial, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the user pools", e);
        }
    }

    private KeyPair restore() throws IOException {
        JsonNode state = CloudTemplate.JSON.readTree(store.toFile());
        for (Map.Entry<String, JsonNode> saved : (Iterable<Map.Entry<String, JsonNode>>)
                () -> state.path("pools").fields()) {
            Pool pool = pools.get(saved.getKey());
            if (pool == null) {
                continue; // a pool the template no longer has
            }
            for (JsonNode item : saved.getValue()) {
                User user = new User();
                user.sub = item.path("sub").asText();
                user.username = item.path("username").asText();
                user.email = item.path("email").isNull() ? null : item.path("email").asText();
                user.emailVerified = item.path("emailVerified").asBoolean();
                user.password = item.path("password").asText();
                user.status = item.path("status").asText();
                user.created = Instant.parse(item.path("created").asText());
                user.modified = Instant.parse(item.path("modified").asText());
                item.path("groups").forEach(group -> user.groups.add(group.asText()));
                pool.users().put(user.sub, user);
            }
        }
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            return new KeyPair(
                    rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(
                            state.path("publicKey").asText()))),
                    rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(
                            state.path("privateKey").asText()))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(store + " holds no usable key: " + e.getMessage(), e);
        }
    }
}
