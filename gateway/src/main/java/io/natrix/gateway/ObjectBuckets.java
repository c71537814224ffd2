package io.natrix.gateway;

import io.natrix.JetStreamDefaults;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/** Creates the upload buckets that do not exist yet. */
final class ObjectBuckets {

    private ObjectBuckets() {
    }

    static void ensure(Connection connection, Set<String> buckets) {
        try {
            ObjectStoreManagement management = connection.objectStoreManagement(JetStreamDefaults.objectStore());
            var existing = management.getBucketNames();
            for (String bucket : buckets) {
                if (!existing.contains(bucket)) {
                    management.create(ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File).build());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach JetStream to prepare the upload buckets " + buckets
                    + ": is JetStream enabled on the NATS server (nats-server -js)?", e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("JetStream refused to create the upload buckets " + buckets + ": "
                    + e.getMessage(), e);
        }
    }
}
