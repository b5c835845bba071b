package org.vmemperor.deploy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Routes a class registers on the Vert.x {@code Router} by hand ({@code void register(@Observes Router router)}).
 * Their paths are string constants in the class's code, which no annotation index holds, so they are read from the
 * class file's constant pool: every string constant starting with "/" is a path the class routes. A class that calls
 * {@code toWebSocket} upgrades its routes to WebSockets.
 */
final class RouterRoutes {

    record Constants(List<String> strings, Set<String> names) {
    }

    private RouterRoutes() {
    }

    static List<ServiceEndpoints.Endpoint> of(String className, byte[] classFile) throws IOException {
        Constants constants = constants(classFile);
        boolean websocket = constants.names().contains("toWebSocket");
        List<ServiceEndpoints.Endpoint> endpoints = new ArrayList<>();
        for (String s : constants.strings()) {
            if (s.startsWith("/")) {
                endpoints.add(new ServiceEndpoints.Endpoint(s, websocket, className + " (Router)"));
            }
        }
        return endpoints;
    }

    /** The string constants and the UTF-8 entries (member names among them) of a class file. */
    static Constants constants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> stringRefs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // longs and doubles take two entries
                }
                case 7, 16, 19, 20 -> in.readUnsignedShort();
                case 8 -> stringRefs.add(in.readUnsignedShort());
                case 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> strings = new ArrayList<>();
        stringRefs.forEach(ref -> strings.add(utf8[ref]));
        Set<String> names = new HashSet<>();
        for (String s : utf8) {
            if (s != null) {
                names.add(s);
            }
        }
        return new Constants(strings, names);
    }
}
