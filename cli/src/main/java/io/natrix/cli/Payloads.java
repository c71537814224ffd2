package io.natrix.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Payloads from the command line: checked to be JSON before anything is sent. */
final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /** The text's bytes, or a usage error saying where the JSON is broken. */
    static byte[] json(CommandLine commandLine, String what, String text) {
        try {
            JSON.readTree(text);
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException broken
                    ? broken.getOriginalMessage() : e.getMessage();
            throw new CommandLine.ParameterException(commandLine,
                    what + " is not valid JSON (" + detail + "); quote it for the shell: '{\"id\":\"42\"}'");
        }
    }
}
