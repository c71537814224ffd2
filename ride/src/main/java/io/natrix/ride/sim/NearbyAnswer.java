package io.natrix.ride.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * What a rider's app takes from one nearby answer, read in one pass without building it: which estimator ranked
 * it, when the gateway asked, how many drivers it names and the age of the freshest one's position. The other
 * fields (each driver's coordinates, distance, ETA) are skipped unread, which is most of the answer: a rider
 * reads one a second, and parsing every number of it was a tenth of the simulator's CPU.
 *
 * @param freshestAgeMillis the smallest {@code ageMillis} of the drivers; {@link Long#MAX_VALUE} when none
 */
record NearbyAnswer(String estimator, long askedAt, int drivers, long freshestAgeMillis) {

    /** Reads one line of a nearby stream; an error or closing line is told apart as the tree reader does. */
    static StreamLine<NearbyAnswer> read(String json) throws IOException {
        String estimator = "";
        long askedAt = 0;
        int drivers = 0;
        long freshest = Long.MAX_VALUE;
        try (JsonParser parser = SimHttp.JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object: " + json);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "error" -> {
                        return new StreamLine.Failed<>(SimHttp.JSON.readTree(parser));
                    }
                    case "closing" -> {
                        return new StreamLine.Closing<>();
                    }
                    case "estimator" -> estimator = parser.getValueAsString("");
                    case "askedAt" -> askedAt = parser.getValueAsLong(0);
                    case "drivers" -> {
                        if (value != JsonToken.START_ARRAY) {
                            parser.skipChildren();
                            continue;
                        }
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            drivers++;
                            freshest = Math.min(freshest, ageMillis(parser));
                        }
                    }
                    default -> parser.skipChildren(); // a scalar is skipped by the next nextToken, unparsed
                }
            }
        }
        return new StreamLine.Message<>(new NearbyAnswer(estimator, askedAt, drivers, freshest));
    }

    /** Inside one driver's object: its {@code ageMillis}, the rest skipped; leaves the parser at its end. */
    private static long ageMillis(JsonParser parser) throws IOException {
        long age = Long.MAX_VALUE;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("ageMillis")) {
                age = parser.getValueAsLong(Long.MAX_VALUE);
            } else {
                parser.skipChildren();
            }
        }
        return age;
    }
}
