package io.natrix.blackbox;

import io.natrix.EndpointOptions;
import io.natrix.Natrix;
import io.natrix.Service;
import io.natrix.ServiceException;
import io.natrix.ServiceInstance;
import io.natrix.TestNatrix;
import io.natrix.testkit.NatsServerExtension;
import io.nats.service.Discovery;
import io.nats.service.EndpointStats;
import io.nats.service.InfoResponse;
import io.nats.service.PingResponse;
import io.nats.service.StatsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoveryTest {

    @RegisterExtension
    static final NatsServerExtension nats = NatsServerExtension.single();

    static Natrix natrix;
    static Service first;
    static Service second;

    @BeforeAll
    static void startTwoInstances() {
        natrix = TestNatrix.connect(nats);
        first = users();
        second = users();
        natrix.service("geo").version("2.1.0").description("Where the drivers are")
                .endpoint("Nearby", String.class, point -> List.of())
                .start();
        for (int i = 0; i < 5; i++) {
            natrix.call("ms.users.GetUser", "u" + i, String.class, Duration.ofSeconds(2));
        }
        assertThatThrownBy(() -> natrix.call("ms.users.GetUser", "missing", String.class, Duration.ofSeconds(2)))
                .isInstanceOf(ServiceException.class);
    }

    private static Service users() {
        return natrix.service("users").version("1.2.3").description("Riders and drivers")
                .metadata(Map.of("team", "core"))
                .endpoint("GetUser", String.class, id -> {
                    if (id.equals("missing")) {
                        throw new ServiceException(404, "no user missing");
                    }
                    return "user " + id;
                })
                .endpoint("CreateUser", String.class, name -> "created " + name,
                        EndpointOptions.defaults().metadata(Map.of("idempotent", "false")))
                .start();
    }

    @AfterAll
    static void stop() {
        natrix.close();
    }

    @Test
    void jnatsDiscoveryPingsEveryInstance() {
        Discovery discovery = new Discovery(natrix.nats(), 500, 100);
        List<PingResponse> pings = discovery.ping();
        assertThat(pings).extracting(PingResponse::getName).containsExactlyInAnyOrder("users", "users", "geo");
        assertThat(discovery.ping("users")).extracting(PingResponse::getId)
                .containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(discovery.ping("users", first.id()).getVersion()).isEqualTo("1.2.3");
    }

    @Test
    void jnatsDiscoveryReadsNamesVersionsAndEndpoints() {
        Discovery discovery = new Discovery(natrix.nats(), 500, 100);
        InfoResponse info = discovery.info("users", first.id());
        assertThat(info.getName()).isEqualTo("users");
        assertThat(info.getVersion()).isEqualTo("1.2.3");
        assertThat(info.getDescription()).isEqualTo("Riders and drivers");
        assertThat(info.getMetadata()).containsEntry("team", "core");
        assertThat(info.getEndpoints()).extracting(e -> e.getName() + " " + e.getSubject() + " " + e.getQueueGroup())
                .containsExactly("GetUser ms.users.GetUser users", "CreateUser ms.users.CreateUser users");
        assertThat(info.getEndpoints().get(1).getMetadata()).containsEntry("idempotent", "false");
        assertThat(discovery.info("geo")).singleElement()
                .satisfies(geo -> assertThat(geo.getVersion()).isEqualTo("2.1.0"));
    }

    @Test
    void jnatsDiscoveryReadsStatsThatCountRequestsAndErrors() {
        Discovery discovery = new Discovery(natrix.nats(), 500, 100);
        List<StatsResponse> stats = discovery.stats("users");
        assertThat(stats).hasSize(2);
        long requests = 0;
        long errors = 0;
        for (StatsResponse instance : stats) {
            assertThat(instance.getStarted()).isNotNull();
            EndpointStats getUser = instance.getEndpointStatsList().getFirst();
            assertThat(getUser.getName()).isEqualTo("GetUser");
            requests += getUser.getNumRequests();
            errors += getUser.getNumErrors();
            if (getUser.getNumErrors() > 0) {
                assertThat(getUser.getLastError()).isEqualTo("404:no user missing");
            }
        }
        assertThat(requests).isEqualTo(6);
        assertThat(errors).isEqualTo(1);
    }

    @Test
    void natrixDiscoverListsInstancesWithTheSameCountersAsTheirSnapshots() {
        List<ServiceInstance> instances = natrix.discover(Duration.ofMillis(300));
        assertThat(instances).extracting(ServiceInstance::name).containsExactly("geo", "users", "users");
        ServiceInstance discovered = instances.stream().filter(i -> i.id().equals(first.id())).findFirst().orElseThrow();
        ServiceInstance local = first.snapshot();
        assertThat(discovered.description()).isEqualTo("Riders and drivers");
        assertThat(discovered.metadata()).containsEntry("team", "core");
        assertThat(discovered.requests()).isEqualTo(local.requests());
        assertThat(discovered.errors()).isEqualTo(local.errors());
        assertThat(discovered.started()).isEqualTo(local.started());
        assertThat(discovered.endpoints()).extracting(io.natrix.EndpointStats::subject)
                .containsExactly("ms.users.GetUser", "ms.users.CreateUser");
        assertThat(first.snapshot().requests() + second.snapshot().requests()).isEqualTo(6);
    }
}
