package io.natrix.jnats;

import io.nats.client.impl.SocketDataPort;

import java.io.IOException;
import java.net.Socket;

/**
 * jnats's socket, but one whose reader stops at once on a TLS connection too. To close or to reconnect, jnats
 * shuts its socket's input so that its reader thread, blocked in a read, ends; then it waits up to 1 s for that
 * reader before it closes the socket. A TLS socket's input cannot be shut, so jnats skips that step and every
 * close and every reconnect of a TLS connection waited up to the whole second (core's README, "Two connections":
 * five closes 4.0 s, against 28-36 ms on this one). Here the plain socket beneath the TLS one has its input shut
 * instead, which ends the read.
 *
 * <p>Not an API: jnats builds it by name ({@code Options.Builder.dataPortType}), so it must be public; the module
 * exports its package to jnats alone.
 */
public final class PromptCloseDataPort extends SocketDataPort {

    private Socket beneathTls;

    /** For jnats, which makes one per connection attempt. */
    public PromptCloseDataPort() {
    }

    @Override
    public void upgradeToSecure() throws IOException {
        Socket plain = socket;
        super.upgradeToSecure();
        if (isSecure) {
            beneathTls = plain;
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        if (beneathTls != null) {
            beneathTls.shutdownInput();
        } else {
            super.shutdownInput();
        }
    }
}
