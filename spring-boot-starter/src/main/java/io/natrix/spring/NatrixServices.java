package io.natrix.spring;

import io.natrix.EndpointStats;
import io.natrix.Natrix;
import io.natrix.Service;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts the services the beans describe once every bean exists (the application context's refresh), and stops
 * them when it closes: each stops taking requests and events and finishes what is in flight (within the
 * connection's drain timeout), in the same shutdown phase as a web server's graceful shutdown, so a Boot
 * application's HTTP and NATS requests drain side by side. The {@link Natrix} connection itself is closed after,
 * with the beans.
 */
final class NatrixServices implements SmartLifecycle {

    /** Spring's own logging facade: under Boot it reaches the application's logging, at shutdown too (a
     * {@code System.Logger} goes through java.util.logging, whose own shutdown hook closes its handlers). */
    private static final Log LOG = LogFactory.getLog(NatrixServices.class);

    /** The phase of Boot's web server graceful shutdown: stopped together, before the server itself stops. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private final Natrix natrix;
    private final ConfigurableListableBeanFactory beans;
    private final String applicationName;
    private final ObjectProvider<ServicesHook> hooks;
    private final List<Service> running = new CopyOnWriteArrayList<>();
    private volatile boolean started;

    NatrixServices(Natrix natrix, ConfigurableListableBeanFactory beans, String applicationName,
                   ObjectProvider<ServicesHook> hooks) {
        this.natrix = natrix;
        this.beans = beans;
        this.applicationName = applicationName;
        this.hooks = hooks;
    }

    @Override
    public void start() {
        List<ServicePlans.Plan> plans = ServicePlans.read(beans, applicationName);
        hooks.orderedStream().forEach(hook -> hook.beforeServing(natrix));
        try {
            for (ServicePlans.Plan plan : plans) {
                Service service = plan.start(natrix);
                running.add(service);
                hooks.orderedStream().forEach(hook -> hook.started(service));
                LOG.info("natrix service '" + service.name() + "' " + service.id() + " serving: endpoints "
                        + service.snapshot().endpoints().stream().map(EndpointStats::subject).toList() + ", listeners "
                        + service.listeners().stream().map(l -> l.subject() + (l.balanced() ? " (balanced)" : "")).toList());
            }
        } catch (RuntimeException e) {
            stopAll(); // the context fails to start: what had started stops, rather than serving half a process
            throw e;
        }
        started = true;
    }

    @Override
    public void stop() {
        stopAll();
    }

    @Override
    public void stop(Runnable callback) {
        // drained on a thread of its own: other beans of this phase (the web server) drain at the same time
        Thread.ofVirtual().name("natrix-drain").start(() -> {
            try {
                stopAll();
            } finally {
                callback.run();
            }
        });
    }

    private void stopAll() {
        started = false;
        // all at once, each bounded by the connection's drain timeout, so stopping takes one drain at most
        List<Thread> draining = running.stream().map(service -> Thread.ofVirtual().name("natrix-drain-" + service.name())
                .start(() -> {
                    service.close();
                    LOG.info("natrix service '" + service.name() + "' " + service.id() + " drained and stopped");
                })).toList();
        for (Thread thread : draining) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running.clear();
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The services started and not stopped, in the order they started. */
    List<Service> services() {
        return List.copyOf(running);
    }
}
