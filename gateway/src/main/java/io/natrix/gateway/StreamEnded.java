package io.natrix.gateway;

/** The client's connection is gone (it left, or was disconnected for idling): there is nobody to answer. */
final class StreamEnded extends RuntimeException {
    StreamEnded() {
        super(null, null, false, false);
    }
}
