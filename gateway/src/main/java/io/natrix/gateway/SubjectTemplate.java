package io.natrix.gateway;

import java.util.Map;
import java.util.regex.Pattern;

/** A subject such as {@code ms.drivers.{driverId}.offers}, filled from path parameters that cannot inject subject syntax. */
final class SubjectTemplate {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private SubjectTemplate() {
    }

    private static final Pattern SUBJECT_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}|\\{[A-Za-z][A-Za-z0-9]*}");

    /**
     * A route's subject is dot-separated tokens of letters, digits, '-' and '_' or path parameters
     * ({@code ms.drivers.{driverId}.offers}): no wildcard (a client would reach every subject under it), no
     * system subject ({@code $SRV}, {@code $JS.API}...) and no reply inbox ({@code _INBOX}), whatever a route file says.
     */
    static void check(String subject) {
        String rule = "a route's subject is dot-separated tokens of letters, digits, '-' or '_', or {parameter}";
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException(rule + "; got none");
        }
        if (subject.startsWith("$") || subject.startsWith("_INBOX")) {
            throw new IllegalArgumentException("a route may not reach a system subject or a reply inbox: '" + subject + "'");
        }
        for (String token : subject.split("\\.", -1)) {
            if (!SUBJECT_TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException(rule + " (no wildcard, no space); '" + subject + "' has '" + token + "'");
            }
        }
    }

    /**
     * A subject the gateway itself publishes on, the same for every stream (a batch's, a shared poll's prefix):
     * a route's subject ({@link #check}) that names no path parameter. {@code what} says whose it is.
     */
    static void checkFixed(String subject, String what) {
        check(subject);
        if (subject.contains("{")) {
            throw new IllegalArgumentException(what + " names no path parameters, got " + subject);
        }
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
