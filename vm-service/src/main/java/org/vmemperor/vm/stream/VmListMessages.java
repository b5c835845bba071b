package org.vmemperor.vm.stream;

import java.nio.charset.StandardCharsets;

import org.vmemperor.common.view.VmRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The /vmlist messages as UTF-8 bytes, the form they are written to the sockets in. A record is written as JSON once
 * per version of a VM (its {@code initial} message, kept by the {@link VmRecordFeed.Snapshot}); the other messages
 * are that JSON with another envelope, copied rather than written again: {@code {"type":"initial",...record}},
 * {@code {"type":"add",...record}}, {@code {"type":"change","old_val":record,"new_val":record}},
 * {@code {"type":"remove","old_val":record}}, the same text Jackson writes for the same objects (compact, the type
 * first). Callers must not modify the arrays they get: they are shared by every socket.
 */
final class VmListMessages {

    private static final Slice INITIAL = ascii("{\"type\":\"initial\",");
    private static final Slice ADD = ascii("{\"type\":\"add\",");
    private static final Slice CHANGE = ascii("{\"type\":\"change\",\"old_val\":{");
    private static final Slice NEW_VAL = ascii(",\"new_val\":{");
    private static final Slice REMOVE = ascii("{\"type\":\"remove\",\"old_val\":{");
    private static final Slice END = ascii("}");

    private final ObjectWriter writer;

    VmListMessages(ObjectMapper json) {
        this.writer = json.writerFor(VmRecord.class);
    }

    byte[] initial(VmRecordFeed.Snapshot snapshot) {
        return snapshot.initialMessage(this::writeInitial);
    }

    byte[] add(VmRecordFeed.Snapshot snapshot) {
        return join(ADD, fields(snapshot));
    }

    byte[] change(VmRecordFeed.Snapshot before, VmRecordFeed.Snapshot after) {
        return join(CHANGE, fields(before), NEW_VAL, fields(after), END);
    }

    byte[] remove(VmRecordFeed.Snapshot before) {
        return join(REMOVE, fields(before), END);
    }

    /** The record's JSON without its opening brace: its fields and the closing brace, as the initial message ends. */
    private Slice fields(VmRecordFeed.Snapshot snapshot) {
        byte[] initial = initial(snapshot);
        return new Slice(initial, INITIAL.length(), initial.length - INITIAL.length());
    }

    private byte[] writeInitial(VmRecord record) {
        byte[] json;
        try {
            json = writer.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a VM record could not be written as JSON", e);
        }
        // a record always has fields, so its JSON is '{' field... '}': the envelope's type goes before the first one
        if (json.length < 3 || json[0] != '{') {
            throw new IllegalStateException("a VM record was not written as a JSON object with fields");
        }
        return join(INITIAL, new Slice(json, 1, json.length - 1));
    }

    private record Slice(byte[] bytes, int offset, int length) {
    }

    private static byte[] join(Slice... parts) {
        int size = 0;
        for (Slice part : parts) {
            size += part.length();
        }
        byte[] message = new byte[size];
        int at = 0;
        for (Slice part : parts) {
            System.arraycopy(part.bytes(), part.offset(), message, at, part.length());
            at += part.length();
        }
        return message;
    }

    private static Slice ascii(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return new Slice(bytes, 0, bytes.length);
    }
}
