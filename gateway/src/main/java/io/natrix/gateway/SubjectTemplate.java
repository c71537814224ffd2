package io.natrix.gateway;

import java.util.Map;
import java.util.regex.Pattern;

/** A subject such as {@code ms.drivers.{driverId}.offers}, filled from path parameters that cannot inject subject syntax. */
final class SubjectTemplate {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private SubjectTemplate() {
    }

    static String fill(String template, Map<String, String> parameters) {
        String subject = template;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String placeholder = "{" + parameter.getKey() + "}";
            if (subject.contains(placeholder)) {
                if (!TOKEN.matcher(parameter.getValue()).matches()) {
                    throw new HttpProblem(400, parameter.getKey() + " must be letters, digits, '-' or '_', got '"
                            + parameter.getValue() + "'");
                }
                subject = subject.replace(placeholder, parameter.getValue());
            }
        }
        return subject;
    }
}
