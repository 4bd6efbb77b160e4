package dev.berth.registry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** htpasswd files made in-process (bcrypt as {@code htpasswd -B} writes it), and Basic headers. */
public final class Htpasswd {

    private Htpasswd() {}

    /** Writes {@code user:hash} lines for {@code userPasswordPairs} (user, password, user, password …). */
    public static Path write(Path file, int cost, String... userPasswordPairs) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < userPasswordPairs.length; i += 2) {
            String hash = BCrypt.hashpw(userPasswordPairs[i + 1], BCrypt.gensalt(cost)).replace("$2a$", "$2y$");
            lines.append(userPasswordPairs[i]).append(':').append(hash).append('\n');
        }
        return Files.writeString(file, lines.toString());
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
