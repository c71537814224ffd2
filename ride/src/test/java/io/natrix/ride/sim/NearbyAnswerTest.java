package io.natrix.ride.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.ride.dispatch.RideMessages.DriverEta;
import io.natrix.ride.dispatch.RideMessages.NearbyWithEta;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rider's one-pass read of a nearby answer agrees with reading the whole tree. */
class NearbyAnswerTest {

    /** The answer as the gateway writes it: dispatch's reply with {@code askedAt} spliced in front. */
    static String line(long askedAt, NearbyWithEta answer) throws IOException {
        return "{\"askedAt\":" + askedAt + "," + SimHttp.JSON.writeValueAsString(answer).substring(1);
    }

    @Test
    void readsTheEstimatorTheTimeAskedTheDriversAndTheFreshestAgeAsTheTreeDoes() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int drivers = 0; drivers <= 12; drivers++) {
            List<DriverEta> etas = new java.util.ArrayList<>();
            for (int i = 0; i < drivers; i++) {
                etas.add(new DriverEta("d" + i, 32 + random.nextDouble(), 34 + random.nextDouble(), random.nextDouble(3_000),
                        random.nextInt(900), random.nextLong(5_000)));
            }
            String json = line(1_700_000_000_123L + drivers, new NearbyWithEta(drivers % 2 == 0 ? "quick" : "careful", etas, 99));
            JsonNode tree = SimHttp.JSON.readTree(json);

            NearbyAnswer answer = ((StreamLine.Message<NearbyAnswer>) NearbyAnswer.read(json)).value();

            assertThat(answer.estimator()).isEqualTo(tree.get("estimator").asText());
            assertThat(answer.askedAt()).isEqualTo(tree.get("askedAt").asLong());
            assertThat(answer.drivers()).isEqualTo(tree.get("drivers").size()).isEqualTo(drivers);
            long freshest = Long.MAX_VALUE;
            for (JsonNode driver : tree.get("drivers")) {
                freshest = Math.min(freshest, driver.get("ageMillis").asLong());
            }
            assertThat(answer.freshestAgeMillis()).isEqualTo(freshest);
        }
    }

    @Test
    void anErrorLineAndTheClosingNoticeAreToldApartAsTheTreeReaderTellsThem() throws IOException {
        String error = "{\"askedAt\":5,\"error\":{\"status\":503,\"message\":\"nobody answers\"}}";
        assertThat(NearbyAnswer.read(error)).isInstanceOfSatisfying(StreamLine.Failed.class,
                failed -> assertThat(failed.error().get("status").asInt()).isEqualTo(503));
        assertThat(StreamLine.TREES.read(error)).isInstanceOf(StreamLine.Failed.class);
        assertThat(NearbyAnswer.read("{\"closing\":true}")).isInstanceOf(StreamLine.Closing.class);
        assertThat(StreamLine.TREES.read("{\"closing\":true}")).isInstanceOf(StreamLine.Closing.class);
        assertThat(NearbyAnswer.read("{\"askedAt\":1,\"extra\":{\"a\":[1,{\"b\":2}]},\"drivers\":[]}"))
                .isEqualTo(new StreamLine.Message<>(new NearbyAnswer("", 1, 0, Long.MAX_VALUE)));
        assertThatThrownBy(() -> NearbyAnswer.read("[1,2]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> NearbyAnswer.read("{\"drivers\":[{\"ageMillis\":")).isInstanceOf(IOException.class);
    }
}
