package io.natrix.cli;

import io.nats.service.Endpoint;
import io.nats.service.InfoResponse;
import io.natrix.Natrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

@Command(name = "info", description = "One service: its instances and the subjects its endpoints serve.")
final class InfoCommand extends NatsCommand {

    @Parameters(paramLabel = "NAME", description = "the service, as `natrix ls` names it")
    String name;

    @Option(names = "--json", description = "print JSON, for scripts")
    boolean json;

    record Instance(String id, String version, String description, Map<String, String> metadata, List<EndpointInfo> endpoints) {
    }

    record EndpointInfo(String name, String subject, String queueGroup) {
    }

    @Override
    public Integer call() {
        try (Natrix natrix = cli.connect()) {
            List<InfoResponse> found = asked(() -> discovery(natrix).info(name));
            if (found.isEmpty()) {
                return nothing("no instance of '" + name + "' answered on " + cli.servers() + " within "
                        + cli.wait.toMillis() + " ms: `natrix ls` lists the services that run");
            }
            List<Instance> instances = found.stream().sorted(Comparator.comparing(InfoResponse::getId))
                    .map(info -> new Instance(info.getId(), info.getVersion(), info.getDescription(),
                            info.getMetadata() == null ? Map.of() : info.getMetadata(),
                            info.getEndpoints().stream().map(e -> new EndpointInfo(e.getName(), e.getSubject(),
                                    e.getQueueGroup() == null ? "" : e.getQueueGroup())).toList()))
                    .toList();
            if (json) {
                printJson(instances);
                return 0;
            }
            Instance first = instances.getFirst();
            out().println(name + ": " + (first.description() == null || first.description().isEmpty() ? "" : first.description() + ", ")
                    + instances.size() + (instances.size() == 1 ? " instance" : " instances"));
            Table table = new Table("INSTANCE", "VERSION", "METADATA");
            instances.forEach(instance -> table.row(instance.id(), instance.version(),
                    instance.metadata().isEmpty() ? "" : instance.metadata().toString()));
            table.print(out());
            out().println();
            Table endpoints = new Table("ENDPOINT", "SUBJECT", "QUEUE GROUP");
            for (Endpoint endpoint : found.getFirst().getEndpoints()) {
                endpoints.row(endpoint.getName(), endpoint.getSubject(),
                        endpoint.getQueueGroup() == null ? "(every instance)" : endpoint.getQueueGroup());
            }
            endpoints.print(out());
            return 0;
        }
    }
}
