package io.natrix.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;

import java.util.List;

/** Query parameters as a JSON object; a repeated parameter becomes an array. */
final class RequestJson {

    private RequestJson() {
    }

    static ObjectNode fromQuery(ObjectMapper json, ServerRequest request) {
        ObjectNode merged = json.createObjectNode();
        for (String name : request.query().names()) {
            List<String> values = request.query().all(name);
            if (values.size() == 1) {
                merged.put(name, values.getFirst());
            } else {
                ArrayNode array = merged.putArray(name);
                values.forEach(array::add);
            }
        }
        return merged;
    }
}
