package org.vmemperor.simulator.event;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import org.vmemperor.simulator.rpc.XapiError;

/**
 * The bounded history of changes, numbered from 1. A client whose token points before the oldest retained entry
 * has missed changes and gets EVENTS_LOST, exactly what makes a real client reload everything.
 */
public final class EventLog {
    public enum Op {
        ADD("add"),
        MOD("mod"),
        DEL("del");

        private final String wire;

        Op(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public record Entry(long id, String cls, String ref, Op op, Instant timestamp) {
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long lastId;
    /** Every entry with an id up to this one has been dropped. */
    private long droppedUpTo;
    private volatile Consumer<Entry> listener = entry -> {
    };

    public EventLog(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    public void onAppend(Consumer<Entry> listener) {
        this.listener = listener;
    }

    public synchronized void append(String cls, String ref, Op op) {
        Entry entry = new Entry(++lastId, cls, ref, op, Instant.now());
        entries.addLast(entry);
        while (entries.size() > capacity) {
            droppedUpTo = entries.removeFirst().id();
        }
        listener.accept(entry);
    }

    public synchronized long lastId() {
        return lastId;
    }

    /** Entries after the given id, oldest first. */
    public synchronized List<Entry> since(long id) {
        if (id < droppedUpTo) {
            throw new XapiError("EVENTS_LOST");
        }
        List<Entry> result = new ArrayList<>();
        Iterator<Entry> newestFirst = entries.descendingIterator();
        while (newestFirst.hasNext()) {
            Entry entry = newestFirst.next();
            if (entry.id() <= id) {
                break;
            }
            result.add(0, entry);
        }
        return result;
    }

    /** Continues numbering after a restart from a saved state; the history before it is gone. */
    public synchronized void resumeAt(long id) {
        entries.clear();
        lastId = id;
        droppedUpTo = id;
    }
}
