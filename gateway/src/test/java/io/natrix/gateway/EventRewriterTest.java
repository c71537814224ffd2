package io.natrix.gateway;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An event rewritten in one streaming pass says what the client sent, with the gateway's own fields over the
 * client's: checked against Jackson's tree (read, fields put, written) on random objects, and on the inputs a
 * client gets wrong.
 */
class EventRewriterTest {

    private final ObjectMapper json = io.natrix.Natrix.defaultObjectMapper();
    private final ObjectReader strict = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION); // a field the gateway owns, once
    private final EventRewriter rewriter = new EventRewriter(json.getFactory());

    @Test
    void sameEventAsTheTreeWithTheGatewaysFieldsOverTheClients() throws Exception {
        Random random = new Random(15);
        for (int i = 0; i < 500; i++) {
            ObjectNode event = randomObject(random, 0);
            Map<String, String> owned = new LinkedHashMap<>();
            if (random.nextBoolean()) {
                owned.put("driverId", "d-" + i);
            }
            if (random.nextBoolean() && event.size() > 0) {
                owned.put(event.fieldNames().next(), "from-the-path"); // over a field the client sent
            }
            Optional<String> stamp = random.nextBoolean() ? Optional.of("at") : Optional.empty();
            byte[] sent = random.nextBoolean() ? json.writeValueAsBytes(event)
                    : json.writerWithDefaultPrettyPrinter().writeValueAsBytes(event);

            byte[] rewritten = rewriter.rewrite(sent, owned, stamp, 1234L);

            ObjectNode expected = event.deepCopy();
            owned.forEach(expected::put);
            stamp.ifPresent(field -> expected.put(field, 1234L));
            assertThat(strict.readTree(rewritten)).as(new String(sent, StandardCharsets.UTF_8))
                    .isEqualTo(json.readTree(json.writeValueAsBytes(expected))); // numbers as a reader types them
            assertThat(rewritten).as("compact, one line").doesNotContain((byte) '\n');
        }
    }

    @Test
    void numbersGoAsTheClientWroteThem() throws Exception {
        byte[] rewritten = rewriter.rewrite("{\"lat\": 52.370216000000000001, \"big\": 123456789012345678901234567890, \"e\": 1.5E-7, \"n\": [0.1, -0]}"
                .getBytes(StandardCharsets.UTF_8), Map.of(), Optional.empty(), 0);
        assertThat(new String(rewritten, StandardCharsets.UTF_8))
                .isEqualTo("{\"lat\":52.370216000000000001,\"big\":123456789012345678901234567890,\"e\":1.5E-7,\"n\":[0.1,-0]}");
    }

    @Test
    void whatIsNotOneJsonObjectIsRefusedInTheClientsWords() {
        for (String broken : List.of("{\"lat\": 52.3", "{lat: 1}", "[1, 2", "{\"a\":1} x", "{\"a\":1}{\"b\":2}", "{\"a\":}", "nul")) {
            assertThatThrownBy(() -> rewriter.rewrite(broken.getBytes(StandardCharsets.UTF_8), Map.of("id", "x"), Optional.of("at"), 0))
                    .as(broken).isInstanceOf(EventRewriter.NotAnObject.class).hasMessage("not valid JSON");
        }
        for (String notObject : List.of("[1, 2]", "42", "\"text\"", "null", "true")) {
            assertThatThrownBy(() -> rewriter.rewrite(notObject.getBytes(StandardCharsets.UTF_8), Map.of(), Optional.empty(), 0))
                    .as(notObject).isInstanceOf(EventRewriter.NotAnObject.class).hasMessage("not a JSON object");
        }
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        int fields = random.nextInt(6);
        for (int f = 0; f < fields; f++) {
            object.set(List.of("lat", "lng", "at", "driverId", "x", "name", "ünï", "a\"b").get(random.nextInt(8)), randomValue(random, depth));
        }
        return object;
    }

    private static JsonNode randomValue(Random random, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(depth < 2 ? 8 : 6)) {
            case 0 -> nodes.numberNode(random.nextDouble() * 180 - 90);
            case 1 -> nodes.numberNode(random.nextLong());
            case 2 -> nodes.textNode("t\n" + random.nextInt(1000) + "\u00e9\"");
            case 3 -> nodes.booleanNode(random.nextBoolean());
            case 4 -> nodes.nullNode();
            case 5 -> nodes.numberNode(random.nextInt(100));
            case 6 -> randomObject(random, depth + 1);
            default -> {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
        };
    }
}
