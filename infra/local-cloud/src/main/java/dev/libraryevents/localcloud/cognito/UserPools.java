package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of the template's user pools: pools and their app clients as the template declares them, the users an
 * administrator made, the sessions of sign-ins in progress, and the key tokens are signed with. With a data
 * directory, users and the key outlive a restart (one file, {@code cognito.json}).
 */
final class UserPools {

    record Client(String id, String name, String poolId, Set<String> authFlows, Duration idTokenValidity,
                  Duration accessTokenValidity, boolean hidesUnknownUsers) {}

    record Pool(String id, String arn, boolean emailIsUsername, PasswordPolicy policy, Set<String> groups,
                Map<String, User> users) {}

    /** One user; {@code username} is the sub when the pool signs in by email, as Cognito does. */
    static final class User {
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

    /** A sign-in that a refresh token or a challenge's session continues. */
    record Session(String poolId, String sub, String clientId) {}

    final Map<String, Pool> pools = new LinkedHashMap<>();
    final Map<String, Client> clients = new LinkedHashMap<>();
    final Map<String, Session> refreshTokens = new ConcurrentHashMap<>();
    final Map<String, Session> challenges = new ConcurrentHashMap<>();
    private final Path store;
    private final KeyPair key;

    /** @param dataDirectory null to keep users and the signing key in memory */
    UserPools(CloudTemplate template, Path dataDirectory) throws IOException {
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
    }

    KeyPair key() {
        return key;
    }

    /** Every pool's id, with its app clients' ids. */
    Map<String, List<String>> poolsAndClients() {
        Map<String, List<String>> found = new LinkedHashMap<>();
        pools.keySet().forEach(pool -> found.put(pool, clients.values().stream()
                .filter(client -> client.poolId().equals(pool)).map(Client::id).toList()));
        return found;
    }

    /** By username or sub, or by email where the pool signs in by email (case-insensitively). */
    static Optional<User> find(Pool pool, String username) {
        return pool.users().values().stream().filter(user -> user.username.equals(username)
                || user.sub.equals(username) || (pool.emailIsUsername() && user.email != null
                && user.email.equalsIgnoreCase(username))).findFirst();
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

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA here", e);
        }
    }

    /** Writes users and the key to the data directory, when there is one. */
    synchronized void save() {
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
