package io.wabridge.adapters.aws;

import io.wabridge.core.media.MediaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Objects in one private bucket: media bytes, claim-checked webhook payloads and large message content. */
public final class S3Objects implements MediaStore {

    private final S3Client s3;
    private final String bucket;
    private final software.amazon.awssdk.services.s3.presigner.S3Presigner presigner;

    public S3Objects(S3Client s3, software.amazon.awssdk.services.s3.presigner.S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    /** A time-limited GET link to an object, so the SaaS downloads media straight from the bucket. */
    public java.net.URL link(String key, java.time.Duration ttl) {
        return presigner.presignGetObject(r -> r.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key))).url();
    }

    public String bucket() {
        return bucket;
    }

    /** Writes the object (server-side encryption is the bucket's default). */
    public void put(String key, byte[] bytes, String contentType) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    }

    @Override
    public java.util.OptionalLong size(String key) {
        try {
            return java.util.OptionalLong.of(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return java.util.OptionalLong.empty();
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException)) {
                return java.util.OptionalLong.empty();
            }
            throw e;
        }
    }

    /**
     * Spools the body to a temporary file (Lambda's {@code /tmp}) and uploads that: a download can be read
     * only once, while the SDK may read a body twice (retries; payload signing), and a 100 MB document
     * should not sit in the heap.
     */
    @Override
    public void put(String key, InputStream body, long length, String contentType) {
        java.nio.file.Path spool = null;
        try {
            spool = java.nio.file.Files.createTempFile("wabridge-media-", ".part");
            java.nio.file.Files.copy(body, spool, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            RequestBody request = RequestBody.fromFile(spool);
            s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType == null ? "application/octet-stream" : contentType), request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (spool != null) {
                try {
                    java.nio.file.Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // /tmp is cleared with the container
                }
            }
        }
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(r -> r.bucket(bucket).key(key));
    }

    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }
}
