package io.natrix.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A path such as {@code /v1/users/{id}}: literal segments and named parameters, one per segment. */
final class PathTemplate {

    private final String template;
    private final List<String> segments;

    private PathTemplate(String template, List<String> segments) {
        this.template = template;
        this.segments = segments;
    }

    static PathTemplate compile(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("a path template starts with '/', got: " + template);
        }
        List<String> segments = split(template);
        for (String segment : segments) {
            boolean parameter = segment.startsWith("{") && segment.endsWith("}");
            if (segment.contains("{") && !parameter || parameter && segment.length() < 3) {
                throw new IllegalArgumentException("bad segment '" + segment + "' in " + template
                        + ": a parameter is a whole segment, like {id}");
            }
        }
        return new PathTemplate(template, segments);
    }

    /** The parameters if {@code path} matches, e.g. {@code {id=42}}. */
    Optional<Map<String, String>> match(String path) {
        List<String> parts = split(path);
        if (parts.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{")) {
                parameters.put(segment.substring(1, segment.length() - 1), parts.get(i));
            } else if (!segment.equals(parts.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    @Override
    public String toString() {
        return template;
    }
}
