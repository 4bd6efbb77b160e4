package dev.berth.registry.http;

import static dev.berth.registry.http.TokenEndpointTest.KEY;
import static dev.berth.registry.http.TokenEndpointTest.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Tokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code auth.bearer} without {@code auth.access}: as with Basic credentials in registry:2, every
 * user may do everything and a caller without credentials nothing, so an anonymous token is empty.
 */
class BearerWithoutAccessRulesTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.fromConfig(folder -> """
            version: 0.1
            auth:
              htpasswd:
                realm: berth
                path: %s
              bearer:
                signingkey: %s
            """.formatted(Htpasswd.write(folder.resolve("htpasswd"), 5, "user", PASSWORD), KEY));

    @Test
    void aUserIsGrantedEverythingAskedAndAnAnonymousCallerNothing() {
        RegistryClient client = registry.client();
        assertEquals(Map.of("repository:any/repo", List.of("pull", "push", "delete"), "registry:catalog", List.of("*")),
                Tokens.access(Tokens.fetch(client, "user", PASSWORD, "repository:any/repo:pull,push,delete",
                        "registry:catalog:*")));
        String anonymous = Tokens.fetch(client, null, null, "repository:any/repo:pull", "registry:catalog:*");
        assertEquals(Map.of("repository:any/repo", List.of(), "registry:catalog", List.of()),
                Tokens.access(anonymous));

        RegistryClient.Response refused = client.get("/v2/any/repo/tags/list", "Authorization",
                Tokens.bearer(anonymous));
        assertEquals(401, refused.status(), refused::toString);
        assertEquals("Bearer realm=\"http://" + client.base().getAuthority() + "/token\",service=\"berth\","
                + "scope=\"repository:any/repo:pull\",error=\"insufficient_scope\"",
                refused.requireHeader("WWW-Authenticate"));
        RegistryClient.Response withoutToken = client.get("/v2/_catalog");
        assertEquals(401, withoutToken.status(), withoutToken::toString);
        assertEquals("Bearer realm=\"http://" + client.base().getAuthority() + "/token\",service=\"berth\","
                + "scope=\"registry:catalog:*\"", withoutToken.requireHeader("WWW-Authenticate"));
        String user = Tokens.fetch(client, "user", PASSWORD, "registry:catalog:*");
        assertEquals(200, client.get("/v2/_catalog", "Authorization", Tokens.bearer(user)).status());
    }
}
