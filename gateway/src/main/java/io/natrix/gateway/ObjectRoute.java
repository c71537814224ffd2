package io.natrix.gateway;

import io.natrix.JetStreamDefaults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.natrix.Natrix;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Streaming uploads and downloads through a JetStream object store: POST
 * copies the body into the bucket chunk by chunk as it arrives, the way {@code io.Copy} does, with memory that
 * does not grow with the size; GET streams the object back. An upload that breaks off leaves no object and no
 * chunks: the object only becomes visible once its last chunk is stored.
 */
final class ObjectRoute {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final Natrix natrix;
    private final Set<String> buckets;
    private final long maxUploadBytes;
    private final ObjectMapper json;

    ObjectRoute(Natrix natrix, Set<String> buckets, long maxUploadBytes, ObjectMapper json) {
        this.natrix = natrix;
        this.buckets = buckets;
        this.maxUploadBytes = maxUploadBytes;
        this.json = json;
    }

    /** POST: store the body under the name. */
    Forwarder upload() {
        return exchange -> {
            ObjectStore store = store(exchange);
            String name = exchange.pathParameters().get("name");
            exchange.request().headers().contentLength().ifPresent(length -> {
                if (length > maxUploadBytes) {
                    throw new HttpProblem(413, "the upload is " + length + " bytes; at most " + maxUploadBytes + " are accepted");
                }
            });
            UploadBody body = new UploadBody(exchange.request().content().inputStream(), maxUploadBytes);
            ObjectInfo info;
            try {
                info = store.put(ObjectMeta.objectName(name), body);
            } catch (IOException e) {
                if (body.tooLarge()) {
                    throw new HttpProblem(413, "the upload is over " + maxUploadBytes + " bytes, the most accepted; nothing was stored");
                }
                LOG.log(Level.INFO, "upload {0} broke off, nothing stored: {1}", exchange.requestId(), e.getMessage());
                throw new StreamEnded();
            } catch (JetStreamApiException e) {
                throw new HttpProblem(503, "the object store refused the upload: " + e.getMessage());
            }
            Map<String, Object> stored = new LinkedHashMap<>();
            stored.put("bucket", info.getBucket());
            stored.put("name", info.getObjectName());
            stored.put("size", info.getSize());
            stored.put("chunks", info.getChunks());
            stored.put("digest", info.getDigest());
            exchange.response().status(Status.CREATED_201);
            exchange.response().header(HeaderNames.CONTENT_TYPE, "application/json");
            exchange.response().send(json.writeValueAsBytes(stored));
        };
    }

    /** GET: stream the object back. */
    Forwarder download() {
        return exchange -> {
            ObjectStore store = store(exchange);
            String name = exchange.pathParameters().get("name");
            ObjectInfo info = store.getInfo(name);
            if (info == null || info.isDeleted()) {
                throw new HttpProblem(404, "no object '" + name + "' in bucket '" + store.getBucketName() + "'");
            }
            exchange.response().header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            exchange.response().header(HeaderNames.CONTENT_LENGTH, Long.toString(info.getSize()));
            try (OutputStream out = exchange.response().outputStream()) {
                store.get(name, out);
            } catch (IOException e) {
                throw new StreamEnded(); // the client went away mid-download
            } catch (JetStreamApiException | NoSuchAlgorithmException e) {
                throw new StreamEnded(); // headers are sent: all that is left is to cut the stream short
            }
        };
    }

    private ObjectStore store(Exchange exchange) throws IOException {
        NatsLink.awaitConnected(natrix, NatsLink.RECONNECT_PATIENCE);
        String bucket = exchange.pathParameters().get("bucket");
        if (!buckets.contains(bucket)) {
            throw new HttpProblem(404, "no bucket '" + bucket + "'; this gateway serves " + buckets);
        }
        return natrix.nats().objectStore(bucket, JetStreamDefaults.objectStore());
    }
}
