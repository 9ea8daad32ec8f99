package io.sfsync.activities;

import java.util.Collections;
import java.util.List;

import io.sfsync.synclog.Link;

/** A batch of touchpoints (the body of the activities steps): read, resolved, written, recorded. */
public final class ActivityBatch {
    private final int number;
    final List<ActivityWork> works;
    /** People whose Lead was converted: their links, now to the Contact, recorded with the batch. */
    final List<Link> relinked = new java.util.ArrayList<>();
    /** The (changedAt, key) of the last touchpoint of the stream this batch read, or null (re-reads only). */
    final io.sfsync.synclog.Watermark reachedWatermark;
    boolean recorded;

    ActivityBatch(int number, List<ActivityWork> works, io.sfsync.synclog.Watermark reachedWatermark) {
        this.number = number;
        this.works = works;
        this.reachedWatermark = reachedWatermark;
    }

    public int number() {
        return number;
    }

    /** The batch's touchpoints; the list cannot be changed (a step settles rows, it never drops one). */
    public List<ActivityWork> works() {
        return Collections.unmodifiableList(works);
    }

    public boolean isEmpty() {
        return works.isEmpty();
    }
}
