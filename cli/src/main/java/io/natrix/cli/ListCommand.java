package io.natrix.cli;

import io.nats.service.Endpoint;
import io.nats.service.InfoResponse;
import io.natrix.Natrix;
import io.natrix.ServiceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

@Command(name = "ls", description = "The services that answer: versions, instance counts (by region, when they say one), endpoints.")
final class ListCommand extends NatsCommand {

    @Option(names = "--json", description = "print JSON, for scripts")
    boolean json;

    /** One service: {@code regions} counts its instances by the region they say they run in ({@code -} for none). */
    record Listed(String name, List<String> versions, int instances, Map<String, Long> regions, List<String> endpoints,
                  String description) {
    }

    private static Map<String, Long> regions(List<InfoResponse> instances) {
        return new TreeMap<>(instances.stream().collect(Collectors.groupingBy(info -> info.getMetadata() == null ? "-"
                : info.getMetadata().getOrDefault(ServiceInstance.REGION, "-"), Collectors.counting())));
    }

    @Override
    public Integer call() {
        try (Natrix natrix = cli.connect()) {
            List<InfoResponse> instances = asked(() -> discovery(natrix).info());
            if (instances.isEmpty()) {
                return noServices();
            }
            Map<String, List<InfoResponse>> byName = new TreeMap<>(instances.stream()
                    .collect(Collectors.groupingBy(InfoResponse::getName)));
            List<Listed> listed = byName.entrySet().stream().map(entry -> new Listed(entry.getKey(),
                    List.copyOf(entry.getValue().stream().map(InfoResponse::getVersion).collect(Collectors.toCollection(TreeSet::new))),
                    entry.getValue().size(),
                    regions(entry.getValue()),
                    List.copyOf(entry.getValue().stream().flatMap(info -> info.getEndpoints().stream()).map(Endpoint::getName)
                            .collect(Collectors.toCollection(TreeSet::new))),
                    entry.getValue().getFirst().getDescription())).toList();
            if (json) {
                printJson(listed);
                return 0;
            }
            boolean regional = listed.stream().anyMatch(service -> !service.regions().keySet().equals(java.util.Set.of("-")));
            List<String> columns = new java.util.ArrayList<>(List.of("SERVICE", "VERSION", "INSTANCES", "REGIONS", "ENDPOINTS", "DESCRIPTION"));
            if (!regional) {
                columns.remove("REGIONS");
            }
            Table table = new Table(columns.toArray(String[]::new));
            for (Listed service : listed) {
                List<Object> row = new java.util.ArrayList<>(List.of(service.name(), String.join(",", service.versions()),
                        service.instances(), String.join(",", service.endpoints()), service.description()));
                if (regional) { // east:2,west:1
                    row.add(3, service.regions().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                            .collect(Collectors.joining(",")));
                }
                table.row(row.toArray());
            }
            table.print(out());
            return 0;
        }
    }
}
