package io.natrix;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's module descriptor, as a JPMS application would meet it: resolved against the very jars the build uses,
 * it exports the API and the SPI to everyone, and to jnats alone the socket jnats builds by name.
 */
class ModuleDescriptorTest {

    private static final Path CLASSES = Path.of("target", "classes");

    @Test
    void theModuleExportsTheApiAndTheSpiAndResolvesAgainstItsDependencies() throws Exception {
        ModuleDescriptor descriptor;
        try (var in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.natrix");
        assertThat(descriptor.exports()).filteredOn(export -> !export.isQualified()).map(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("io.natrix", "io.natrix.spi");
        // the socket jnats builds by name, for jnats alone
        assertThat(descriptor.exports()).filteredOn(ModuleDescriptor.Exports::isQualified)
                .singleElement().satisfies(export -> {
                    assertThat(export.source()).isEqualTo("io.natrix.jnats");
                    assertThat(export.targets()).containsExactly("io.nats.jnats");
                });
        assertThat(descriptor.packages()).as("every package of core is in the module").contains("io.natrix", "io.natrix.spi");

        // the jars of core's own dependencies, from the test's class path (test libraries left out)
        Path[] modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(path -> path.toString().matches(".*(jnats|jackson-(databind|core|annotations)|HdrHistogram|resilience4j-(circuitbreaker|core)).*\\.jar"))
                .toArray(Path[]::new);
        ModuleFinder finder = ModuleFinder.compose(ModuleFinder.of(CLASSES), ModuleFinder.of(modulePath));
        Configuration resolved = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("io.natrix"));

        assertThat(resolved.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet()))
                .contains("io.natrix", "io.nats.jnats", "com.fasterxml.jackson.databind", "io.github.resilience4j.circuitbreaker", "HdrHistogram");
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(resolved, ClassLoader.getSystemClassLoader());
        Module core = layer.findModule("io.natrix").orElseThrow();
        assertThat(core.getDescriptor().requires()).map(ModuleDescriptor.Requires::name).contains("io.nats.jnats");
        assertThat(layer.findLoader("io.natrix").loadClass("io.natrix.Natrix").getModule()).isEqualTo(core);
        // jnats, a module there, can build natrix's socket by its name, as natrix asks it to
        ClassLoader loader = layer.findLoader("io.nats.jnats");
        Class<?> builderClass = loader.loadClass("io.nats.client.Options$Builder");
        Object builder = builderClass.getConstructor().newInstance();
        builderClass.getMethod("dataPortType", String.class).invoke(builder, "io.natrix.jnats.PromptCloseDataPort");
        Object options = builderClass.getMethod("build").invoke(builder);
        Object dataPort = options.getClass().getMethod("buildDataPort").invoke(options);
        assertThat(dataPort.getClass().getName()).isEqualTo("io.natrix.jnats.PromptCloseDataPort");
        assertThat(dataPort.getClass().getModule()).isEqualTo(core);
    }
}
