package io.sfsync.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The benchmark's heap figures, taken while a run goes on: the peak of the heap in use (sampled every
 * 10 ms and taken before every collection, so never more than the heap can hold) and the largest heap
 * still in use right after a collection — an upper bound of what the run keeps (a young collection
 * leaves the old generation's garbage for a later one).
 */
final class HeapWatch implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong liveAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
            peak.accumulateAndGet(heap(info.getMemoryUsageBeforeGc()), Math::max);
            liveAfterGc.accumulateAndGet(heap(info.getMemoryUsageAfterGc()), Math::max);
            collections.incrementAndGet();
        }
    };
    private final Thread sampler;
    private volatile boolean running = true;

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
        sampler = new Thread(() -> {
            while (running) {
                peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sfsync-bench-heap");
        sampler.setDaemon(true);
        sampler.start();
    }

    long peakMb() {
        return peak.get() / (1024 * 1024);
    }

    /** The most in use right after a collection, in MB; null when no collection happened (unknown, not zero). */
    Long liveAfterGcMb() {
        return collections.get() == 0 ? null : liveAfterGc.get() / (1024 * 1024);
    }

    /** Heap pools only: the notifications also carry metaspace and the code cache. */
    private static long heap(java.util.Map<String, MemoryUsage> pools) {
        long used = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pools.get(pool.getName()) : null;
            used += u == null ? 0 : u.getUsed();
        }
        return used;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
