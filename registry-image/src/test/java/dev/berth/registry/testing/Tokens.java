package dev.berth.registry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Token requests to a registry's {@code /token} and a look inside the tokens it answers. */
public final class Tokens {

    private Tokens() {}

    /** {@code GET /token} with Basic credentials (none when {@code user} is null) and scopes; asserts 200. */
    public static String fetch(RegistryClient client, String user, String password, String... scopes) {
        RegistryClient.Response answer = get(client, user, password, scopes);
        assertEquals(200, answer.status(), answer::toString);
        return answer.json().path("token").asText();
    }

    public static RegistryClient.Response get(RegistryClient client, String user, String password, String... scopes) {
        StringBuilder query = new StringBuilder("/token");
        for (String scope : scopes) {
            query.append(query.indexOf("?") < 0 ? "?" : "&").append("scope=").append(encode(scope));
        }
        return user == null ? client.get(query.toString())
                : client.get(query.toString(), "Authorization", Htpasswd.basic(user, password));
    }

    /** A form body from name, value pairs. */
    public static byte[] form(String... pairs) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            form.append(form.isEmpty() ? "" : "&").append(encode(pairs[i])).append('=').append(encode(pairs[i + 1]));
        }
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public static JWTClaimsSet claims(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new AssertionError("not a JWT: " + token, e);
        }
    }

    /** The token's access claim as {@code type:name -> actions}, in order. */
    public static Map<String, List<String>> access(String token) {
        Map<String, List<String>> access = new LinkedHashMap<>();
        Object claim = claims(token).getClaim("access");
        for (Object entry : (List<?>) claim) {
            Map<?, ?> map = (Map<?, ?>) entry;
            List<String> actions = new ArrayList<>();
            ((List<?>) map.get("actions")).forEach(a -> actions.add((String) a));
            access.put(map.get("type") + ":" + map.get("name"), actions);
        }
        return access;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
