package dev.berth.cdk.service;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.onlyProps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.assertions.Template;

/**
 * The registry container as the synthesized template renders it. Tests that start the
 * registry jar read its environment from here, so they run it exactly as ECS would.
 */
public final class RenderedContainer {

    private RenderedContainer() {
    }

    /** The only container definition of the only task definition. */
    public static Map<String, Object> definition(Template template) {
        List<Object> containers = list(onlyProps(template, "AWS::ECS::TaskDefinition").get("ContainerDefinitions"));
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, found " + containers.size());
        }
        return map(containers.get(0));
    }

    /** Name to value, in template order; a value is a string or a {@code {"Ref": ...}} map. */
    public static Map<String, Object> environment(Template template) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Object pair : list(at(definition(template), "Environment"))) {
            env.put((String) at(pair, "Name"), at(pair, "Value"));
        }
        return env;
    }

    /** Names of the variables ECS injects from secrets (values never appear in the template). */
    public static List<String> secretNames(Template template) {
        List<String> names = new ArrayList<>();
        for (Object secret : list(at(definition(template), "Secrets"))) {
            names.add((String) at(secret, "Name"));
        }
        return names;
    }
}
