package io.natrix.cli;

import io.nats.service.Endpoint;
import io.nats.service.InfoResponse;
import io.natrix.Natrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

@Command(name = "ls", description = "The services that answer: versions, instance counts, endpoints.")
final class ListCommand extends NatsCommand {

    @Option(names = "--json", description = "print JSON, for scripts")
    boolean json;

    record Listed(String name, List<String> versions, int instances, List<String> endpoints, String description) {
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
                    List.copyOf(entry.getValue().stream().flatMap(info -> info.getEndpoints().stream()).map(Endpoint::getName)
                            .collect(Collectors.toCollection(TreeSet::new))),
                    entry.getValue().getFirst().getDescription())).toList();
            if (json) {
                printJson(listed);
                return 0;
            }
            Table table = new Table("SERVICE", "VERSION", "INSTANCES", "ENDPOINTS", "DESCRIPTION");
            for (Listed service : listed) {
                table.row(service.name(), String.join(",", service.versions()), service.instances(),
                        String.join(",", service.endpoints()), service.description());
            }
            table.print(out());
            return 0;
        }
    }
}
