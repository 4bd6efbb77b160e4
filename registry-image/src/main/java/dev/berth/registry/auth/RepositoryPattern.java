package dev.berth.registry.auth;

import java.util.regex.Pattern;

/**
 * A pattern of repository names, matched component by component (components are separated by
 * {@code /}): {@code *} within a component matches any characters of that one component, a
 * component that is exactly {@code **} matches one or more whole components. So {@code team-a/*}
 * matches {@code team-a/app} but not {@code team-a/app/x}, {@code team-a/**} matches both, and
 * {@code **} matches every repository. Neither matches {@code team-a} itself.
 */
public record RepositoryPattern(String text, Pattern regex) {

    /** Characters of repository names, plus the wildcard. */
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9._*-]+");

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    public static RepositoryPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a repository pattern must not be empty");
        }
        StringBuilder regex = new StringBuilder();
        for (String component : text.split("/", -1)) {
            if (!regex.isEmpty()) {
                regex.append('/');
            }
            if (component.equals("**")) {
                regex.append("[^/]+(?:/[^/]+)*");
            } else if (component.contains("**")) {
                throw new IllegalArgumentException("'" + text + "': ** must be a whole component (team-a/**), not part of one");
            } else if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("'" + text + "': components are lower-case [a-z0-9._-] or *,"
                        + " separated by single slashes (team-a/*, team-a/**, **)");
            } else {
                // Literal runs joined by '*', each '*' matching within this component only.
                String[] literals = component.split("\\*", -1);
                for (int i = 0; i < literals.length; i++) {
                    regex.append(i > 0 ? "[^/]*" : "").append(Pattern.quote(literals[i]));
                }
            }
        }
        return new RepositoryPattern(text, Pattern.compile(regex.toString()));
    }

    public boolean matches(String repository) {
        return regex.matcher(repository).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
