package io.natrix.ride.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.natrix.Natrix;
import io.natrix.gateway.StreamRoute;
import io.natrix.ride.geo.GeoRegions;
import io.natrix.ride.geo.Inputs;

import java.io.IOException;
import java.util.List;

/**
 * The gateway's side of geo sharded by place ({@link GeoRegions}): which batches a driver's position joins, read
 * from its {@code lat} and {@code lng} alone (a streaming read of two numbers, no tree): its region's, and the
 * ring of each region near it. A position without them, or off the map, is refused with the field's words.
 */
final class PositionRegions implements StreamRoute.BatchSubjects {

    private static final JsonFactory JSON = Natrix.defaultObjectMapper().getFactory();

    private final GeoRegions regions;

    PositionRegions(GeoRegions regions) {
        this.regions = regions;
    }

    @Override
    public List<String> of(byte[] event) {
        double lat = Double.NaN;
        double lng = Double.NaN;
        try (JsonParser parser = JSON.createParser(event)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a position is a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value.isNumeric() && field.equals("lat")) {
                    lat = parser.getDoubleValue();
                } else if (value.isNumeric() && field.equals("lng")) {
                    lng = parser.getDoubleValue();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        if (Double.isNaN(lat) || Double.isNaN(lng)) {
            throw new IllegalArgumentException((Double.isNaN(lat) ? "lat" : "lng") + " is required (a number)");
        }
        return regions.batchSubjects(Inputs.latitude(lat), Inputs.longitude(lng));
    }
}
