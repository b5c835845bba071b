package org.vmemperor.common.http;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Gzip for answers a service compresses itself, e.g. once per version of a large list instead of on every request.
 * Level 1, as the services' {@code quarkus.http.compression-level}: most of the size gain for a fraction of the CPU.
 */
public final class Gzip {

    /** Pieces of a compressed answer: half of a Netty pool chunk (64 KiB with Quarkus' allocator-max-order 3). */
    static final int PIECE = 32 * 1024;

    /** RFC 1952: magic, deflate, no flags, no time, no extra flags, unknown OS. */
    private static final byte[] HEADER = { 0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff };

    private Gzip() {
    }

    /**
     * {@code input}'s readable bytes compressed into direct buffers of {@link #PIECE} bytes taken from {@code pool}, as
     * one buffer the caller owns. Direct, so that {@link DirectBodyWriter} sends it as it is; in pieces, so that no
     * request needs one allocation of the whole size. {@code input} is left as it was.
     */
    public static ByteBuf compress(ByteBuf input, ByteBufAllocator pool) {
        CompositeByteBuf out = pool.compositeDirectBuffer(Integer.MAX_VALUE);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        CRC32 crc = new CRC32();
        try {
            out.addComponent(true, pool.directBuffer(HEADER.length).writeBytes(HEADER));
            for (ByteBuffer part : input.nioBuffers()) {
                crc.update(part.duplicate());
                deflater.setInput(part);
                while (!deflater.needsInput()) {
                    deflateInto(deflater, out, pool);
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                deflateInto(deflater, out, pool);
            }
            ByteBuf trailer = pool.directBuffer(8).writeIntLE((int) crc.getValue())
                    .writeIntLE(input.readableBytes());
            out.addComponent(true, trailer);
            return out;
        } catch (RuntimeException | Error e) {
            out.release();
            throw e;
        } finally {
            deflater.end();
        }
    }

    private static void deflateInto(Deflater deflater, CompositeByteBuf out, ByteBufAllocator pool) {
        ByteBuf piece = pool.directBuffer(PIECE);
        try {
            ByteBuffer free = piece.nioBuffer(0, PIECE);
            deflater.deflate(free);
            piece.writerIndex(free.position());
        } catch (RuntimeException | Error e) {
            piece.release();
            throw e;
        }
        if (piece.isReadable()) {
            out.addComponent(true, piece);
        } else {
            piece.release();
        }
    }

    /**
     * Whether an {@code Accept-Encoding} header allows gzip (RFC 9110 12.5.3): {@code gzip} or {@code *} named with a
     * weight other than 0. No header means identity only.
     */
    public static boolean accepted(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean star = false;
        for (String element : acceptEncoding.split(",")) {
            String[] parts = element.trim().split(";");
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (parameter.startsWith("q=")) {
                    refused = isZero(parameter.substring(2));
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return !refused;
            }
            if (coding.equals("*")) {
                star = !refused;
            }
        }
        return star;
    }

    private static boolean isZero(String weight) {
        try {
            return Double.parseDouble(weight) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
