package io.natrix.ride;

import io.natrix.testkit.NatsSecurity;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.natrix.Natrix;
import io.natrix.ride.dispatch.Dispatch;
import io.natrix.ride.dispatch.DispatchConfig;
import io.natrix.ride.users.UsersService;
import io.natrix.testkit.NatsServerProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The storage is the admin's: services fail clearly without it, and provisioning is repeatable and corrective. */
class RideStorageTest {

    @Test
    void aServiceOnUnprovisionedStorageFailsAtStartSayingWhatToDo() {
        NatsServerProcess server = NatsServerProcess.start(1, true, 0, NatsSecurity.temporary()).getFirst();
        try (Natrix natrix = Natrix.builder().servers(server.url())
                .credentials(NatsSecurity.temporary().seed(NatsSecurity.ADMIN)).trust(NatsSecurity.temporary().ca())
                .shutdownHook(false).connect()) {
            assertThatThrownBy(() -> UsersService.start(natrix))
                    .hasMessageContaining("KV_users does not exist").hasMessageContaining("provisioned by an admin");
            assertThatThrownBy(() -> Dispatch.start(natrix, DispatchConfig.defaults()))
                    .hasStackTraceContaining("RIDES does not exist");
            assertThat(natrix.nats().jetStreamManagement().getStreamNames()).as("nothing created by a service").isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            server.stop();
        }
    }

    @Test
    void provisioningTwiceChangesNothingAndBringsAnExistingStreamToItsLimits() throws Exception {
        NatsServerProcess server = NatsServerProcess.start(1, true, 0, NatsSecurity.temporary()).getFirst();
        try (Connection admin = Nats.connect(NatsSecurity.temporary().as(NatsSecurity.ADMIN, new io.nats.client.Options.Builder().server(server.url()))
                .build())) {
            JetStreamManagement management = admin.jetStreamManagement();
            management.addStream(StreamConfiguration.builder().name(RideStorage.RIDES).subjects(io.natrix.ride.dispatch.DispatchApi.EVENTS + ".>")
                    .storageType(StorageType.File).build()); // unbounded, as before storage was provisioned
            RideStorage.provision(admin, 1);
            RideStorage.provision(admin, 1);
            assertThat(management.getStreamNames()).containsExactlyInAnyOrderElementsOf(RideStorage.streams());
            assertThat(management.getStreamInfo(RideStorage.RIDES).getConfiguration().getMaxBytes()).isEqualTo(1L << 30);
        } finally {
            server.stop();
        }
    }
}
