package io.natrix.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends a child process when this JVM ends, however it ends (SIGKILL, an OOM kill, a closed terminal), for a
 * program that does not watch its parent itself ({@code nats-server}, {@code redis-server}); or removes a folder
 * of this JVM's own that it had no time to remove.
 *
 * <p>A watchdog ({@code sh}, in a session of its own so a Ctrl-C meant for this JVM does not reach it) waits on
 * a pipe whose only writer is this JVM. The kernel closes the pipe when the JVM dies, whatever killed it; the
 * watchdog then sends the child SIGTERM, and SIGKILL if it is still there 3 s later, and removes the child's
 * folder if it was given one (a server's config, log and store), which the dead JVM can no longer do. A JVM that
 * ends normally stops its children first and closes their guards, so the guard only ever acts on an orphan.
 *
 * <p>Why a pipe and not {@code PR_SET_PDEATHSIG}: that signal follows the thread that started the child, not
 * the process, and a JVM's threads come and go while the JVM lives.
 */
public final class OrphanGuard implements AutoCloseable {

    /**
     * What the watchdog runs: wait for the pipe to close, then end {@code $1} (a pid above 1; none when empty),
     * politely first, and remove the folder {@code $2} (unless empty).
     */
    private static final String WATCHDOG = "cat >/dev/null;"
            + " if [ \"${1:-0}\" -gt 1 ] && kill -TERM \"$1\" 2>/dev/null; then"
            + " for i in 1 2 3 4 5 6; do kill -0 \"$1\" 2>/dev/null || break; sleep 0.5; done;"
            + " kill -KILL \"$1\" 2>/dev/null; fi;"
            + " [ -z \"$2\" ] || rm -rf -- \"$2\"";

    private final Process watchdog;

    private OrphanGuard(Process watchdog) {
        this.watchdog = watchdog;
    }

    /** Guards the process {@code pid}: it ends within about 3 s of this JVM's death. */
    public static OrphanGuard watch(long pid) {
        return watch(one(pid), "", "process " + pid);
    }

    /** Guards the process {@code pid} as {@link #watch(long)} does, and then removes {@code folder}, its files. */
    public static OrphanGuard watch(long pid, Path folder) {
        return watch(one(pid), folder.toAbsolutePath().toString(), "process " + pid);
    }

    /** A pid that names one process: {@code kill} takes 0 as this process group, -1 as every process, -N as group N. */
    private static String one(long pid) {
        if (pid <= 1) {
            throw new IllegalArgumentException("not the pid of a child process: " + pid);
        }
        return Long.toString(pid);
    }

    /**
     * Removes {@code folder} if this JVM dies without removing it (SIGKILL): a folder of its own, such as a run's
     * keys. A JVM that removes the folder itself closes the guard after.
     */
    public static OrphanGuard removeAfterDeath(Path folder) {
        return watch("", folder.toAbsolutePath().toString(), folder.toString());
    }

    private static OrphanGuard watch(String pid, String folder, String what) {
        List<String> command = inSessionOfItsOwn("/bin/sh", "-c", WATCHDOG, "natrix-orphan-guard", pid, folder);
        try {
            return new OrphanGuard(new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the watchdog of " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code command} run in a session of its own ({@code setsid}, where the machine has it), so that a Ctrl-C
     * meant for this JVM reaches only the JVM, which then stops its children in order.
     */
    static List<String> inSessionOfItsOwn(String... command) {
        List<String> inSession = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            inSession.add("/usr/bin/setsid");
        }
        inSession.addAll(List.of(command));
        return inSession;
    }

    /** Stands down: the child ended normally (or is being ended by this JVM), so the watchdog ends without acting. */
    @Override
    public void close() {
        watchdog.destroyForcibly(); // the shell first, so that closing the pipe below makes it do nothing
        try {
            watchdog.getOutputStream().close(); // its reader (cat, orphaned now) sees the end and exits
            watchdog.waitFor();
        } catch (IOException e) {
            // closed already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
