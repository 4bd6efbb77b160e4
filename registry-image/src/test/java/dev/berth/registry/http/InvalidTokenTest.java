package dev.berth.registry.http;

import static dev.berth.registry.http.TokenEndpointTest.KEY;
import static dev.berth.registry.http.TokenEndpointTest.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every token the registry did not issue, or no longer accepts, is answered 401 with the Bearer
 * challenge and {@code error="invalid_token"}, never a 5xx: malformed, wrongly signed, signed with
 * {@code alg: none} or another algorithm than HS256, expired, not yet valid, for another audience
 * or issuer, with a malformed access claim, a refresh token, or larger than 8 KiB. The forgeries
 * are written by hand here (header, claims, HMAC) so that each differs from a good token in one
 * thing only.
 */
class InvalidTokenTest {

    private static final String MANIFEST = "/v2/apps/web/manifests/v1";
    private static final String ACCESS = "[{\"type\":\"repository\",\"name\":\"apps/web\",\"actions\":[\"pull\"]}]";

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.fromConfig(
            folder -> TokenEndpointTest.config(folder, "berth-test"));

    @Test
    void aHandWrittenTokenLikeTheRegistrysOwnIsAccepted() {
        // The forgeries below differ from this one in one thing each: it must pass.
        RegistryClient.Response answer = get(MANIFEST, sign("HmacSHA256", "HS256", KEY, claims()));
        assertEquals(404, answer.status(), answer::toString); // allowed, and nothing is there
        assertEquals("MANIFEST_UNKNOWN", answer.json().path("errors").path(0).path("code").asText());
    }

    @Test
    void forgedExpiredAndForeignTokensAre401WithTheChallenge() {
        long now = Instant.now().getEpochSecond();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("wrong key", sign("HmacSHA256", "HS256", "another-key-of-enough-length-0123456789", claims()));
        tokens.put("alg none", unsigned("none", claims()));
        tokens.put("alg none, signature kept", unsigned("none", claims())
                + sign("HmacSHA256", "HS256", KEY, claims()).split("\\.")[2]);
        tokens.put("alg HS384 with the right key", sign("HmacSHA384", "HS384", KEY, claims()));
        tokens.put("alg HS512 with the right key", sign("HmacSHA512", "HS512", KEY, claims()));
        tokens.put("alg RS256 header", unsigned("RS256", claims()) + "c2lnbmF0dXJl");
        tokens.put("expired", sign("HmacSHA256", "HS256", KEY, with(claims(), "exp", now - 120)));
        tokens.put("no expiry", sign("HmacSHA256", "HS256", KEY, without(claims(), "exp")));
        tokens.put("not yet valid", sign("HmacSHA256", "HS256", KEY, with(claims(), "nbf", now + 600)));
        tokens.put("wrong audience", sign("HmacSHA256", "HS256", KEY, with(claims(), "aud", "\"other-service\"")));
        tokens.put("no audience", sign("HmacSHA256", "HS256", KEY, without(claims(), "aud")));
        tokens.put("wrong issuer", sign("HmacSHA256", "HS256", KEY, with(claims(), "iss", "\"someone-else\"")));
        tokens.put("access not a list", sign("HmacSHA256", "HS256", KEY, with(claims(), "access", "\"all\"")));
        tokens.put("access entry malformed", sign("HmacSHA256", "HS256", KEY, with(claims(), "access",
                "[{\"type\":\"repository\",\"name\":\"apps/web\",\"actions\":\"pull\"}]")));
        tokens.put("refresh token", sign("HmacSHA256", "HS256", KEY, with(claims(), "token_use", "\"refresh\"")));
        tokens.put("claims not JSON", sign("HmacSHA256", "HS256", KEY, "{\"iss\":"));
        tokens.put("claims an array", sign("HmacSHA256", "HS256", KEY, "[1,2]"));
        tokens.put("two parts", "eyJhbGciOiJIUzI1NiJ9.e30");
        tokens.put("not base64", "!!!.???.***");
        tokens.put("garbage", "garbage");
        tokens.put("empty", "");
        tokens.put("oversized", sign("HmacSHA256", "HS256", KEY, with(claims(), "pad", "\"" + "x".repeat(9000) + "\"")));
        tokens.forEach((what, token) -> {
            for (String path : new String[] {MANIFEST, "/v2/"}) {
                RegistryClient.Response answer = get(path, token);
                assertEquals(401, answer.status(), () -> what + " at " + path + ": " + answer);
                String challenge = answer.requireHeader("WWW-Authenticate");
                assertTrue(challenge.startsWith("Bearer realm=") && challenge.endsWith("error=\"invalid_token\""),
                        what + ": " + challenge);
                assertEquals("UNAUTHORIZED", answer.json().path("errors").path(0).path("code").asText(), what);
                assertFalse(answer.text().contains(token.isEmpty() ? "\u0000" : token), what);
            }
        });
        assertTrue(get(MANIFEST, tokens.get("wrong audience")).requireHeader("WWW-Authenticate")
                .contains("scope=\"repository:apps/web:pull\""));
    }

    @Test
    void aTokenWithTamperedClaimsIsRefused() {
        String token = Tokens.fetch(registry.client(), "reader", PASSWORD, "repository:apps/web:pull");
        assertEquals(404, get(MANIFEST, token).status());
        // Tampered claims keep the old signature.
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"pull\"", "\"push\"");
        String tampered = parts[0] + "." + base64(claims) + "." + parts[2];
        assertEquals(401, get(MANIFEST, tampered).status());
    }

    private static RegistryClient.Response get(String path, String token) {
        return registry.client().get(path, "Authorization", "Bearer " + token);
    }

    /** A good token's claims, as the registry's own: issuer, audience, a minute to live, pull on apps/web. */
    private static String claims() {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"berth-test-issuer\",\"sub\":\"reader\",\"aud\":\"berth-test\",\"exp\":" + (now + 60)
                + ",\"nbf\":" + now + ",\"iat\":" + now + ",\"jti\":\"t-1\",\"access\":" + ACCESS + "}";
    }

    private static String with(String claims, String name, Object json) {
        String rest = without(claims, name);
        return rest.substring(0, rest.length() - 1) + ",\"" + name + "\":" + json + "}";
    }

    private static String without(String claims, String name) {
        return claims.replaceAll(",?\"" + name + "\":(\"[^\"]*\"|\\d+|\\[.*\\])", "").replace("{,", "{");
    }

    private static String sign(String mac, String alg, String key, String claims) {
        String input = base64("{\"typ\":\"JWT\",\"alg\":\"" + alg + "\"}") + "." + base64(claims);
        try {
            Mac hmac = Mac.getInstance(mac);
            hmac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), mac));
            return input + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(hmac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(String alg, String claims) {
        return base64("{\"alg\":\"" + alg + "\"}") + "." + base64(claims) + ".";
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
