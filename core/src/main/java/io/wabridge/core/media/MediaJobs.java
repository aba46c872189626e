package io.wabridge.core.media;

/** Where media fetches are queued (the media queue); a job queued twice is fetched once in effect. */
public interface MediaJobs {
    void request(MediaJob job);
}
