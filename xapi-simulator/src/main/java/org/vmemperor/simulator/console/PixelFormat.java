package org.vmemperor.simulator.console;

import io.vertx.core.buffer.Buffer;

/**
 * The 16-byte RFB PIXEL_FORMAT (RFC 6143 section 7.4) and the conversion of a 24-bit RGB colour into a pixel value
 * of that format.
 */
record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour, int redMax, int greenMax,
        int blueMax, int redShift, int greenShift, int blueShift) {

    /** Length of PIXEL_FORMAT on the wire, three bytes of padding included. */
    static final int WIRE_LENGTH = 16;

    /** What ServerInit announces: 32 bpp, depth 24, little-endian, true colour, 8 bits per channel. */
    static final PixelFormat SERVER_DEFAULT = new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0);

    /**
     * Entries of the fixed colour map sent to clients that ask for a colour-mapped format: the RGB cube at
     * 3-3-2 bits, so a pixel's index can be computed without searching a palette.
     */
    static final int COLOUR_MAP_SIZE = 256;

    static PixelFormat read(Buffer buffer, int offset) {
        return new PixelFormat(
                buffer.getUnsignedByte(offset),
                buffer.getUnsignedByte(offset + 1),
                buffer.getUnsignedByte(offset + 2) != 0,
                buffer.getUnsignedByte(offset + 3) != 0,
                buffer.getUnsignedShort(offset + 4),
                buffer.getUnsignedShort(offset + 6),
                buffer.getUnsignedShort(offset + 8),
                buffer.getUnsignedByte(offset + 10),
                buffer.getUnsignedByte(offset + 11),
                buffer.getUnsignedByte(offset + 12));
    }

    void appendTo(Buffer buffer) {
        buffer.appendUnsignedByte((short) bitsPerPixel)
                .appendUnsignedByte((short) depth)
                .appendUnsignedByte((short) (bigEndian ? 1 : 0))
                .appendUnsignedByte((short) (trueColour ? 1 : 0))
                .appendUnsignedShort(redMax)
                .appendUnsignedShort(greenMax)
                .appendUnsignedShort(blueMax)
                .appendUnsignedByte((short) redShift)
                .appendUnsignedByte((short) greenShift)
                .appendUnsignedByte((short) blueShift)
                .appendBytes(new byte[3]);
    }

    /** RFC 6143 allows only 8, 16 and 32 bits per pixel; anything else cannot be encoded. */
    boolean isEncodable() {
        return bitsPerPixel == 8 || bitsPerPixel == 16 || bitsPerPixel == 32;
    }

    int bytesPerPixel() {
        return bitsPerPixel / 8;
    }

    /** The pixel value of a 0xRRGGBB colour: channels scaled to the maxima and shifted, or a colour map index. */
    int pixelValue(int rgb) {
        int red = (rgb >>> 16) & 0xFF;
        int green = (rgb >>> 8) & 0xFF;
        int blue = rgb & 0xFF;
        if (!trueColour) {
            return (red >>> 5) | ((green >>> 5) << 3) | ((blue >>> 6) << 6);
        }
        return channel(red, redMax, redShift) | channel(green, greenMax, greenShift) | channel(blue, blueMax, blueShift);
    }

    /** Writes a pixel value in this format's size and byte order. */
    void put(byte[] out, int offset, int value) {
        switch (bitsPerPixel) {
            case 8 -> out[offset] = (byte) value;
            case 16 -> {
                if (bigEndian) {
                    out[offset] = (byte) (value >>> 8);
                    out[offset + 1] = (byte) value;
                } else {
                    out[offset] = (byte) value;
                    out[offset + 1] = (byte) (value >>> 8);
                }
            }
            default -> {
                if (bigEndian) {
                    out[offset] = (byte) (value >>> 24);
                    out[offset + 1] = (byte) (value >>> 16);
                    out[offset + 2] = (byte) (value >>> 8);
                    out[offset + 3] = (byte) value;
                } else {
                    out[offset] = (byte) value;
                    out[offset + 1] = (byte) (value >>> 8);
                    out[offset + 2] = (byte) (value >>> 16);
                    out[offset + 3] = (byte) (value >>> 24);
                }
            }
        }
    }

    /** The 16-bit RGB entry of the 3-3-2 colour map at {@code index}, as SetColourMapEntries carries it. */
    static int[] colourMapEntry(int index) {
        int red = (index & 0x07) * 0xFFFF / 7;
        int green = ((index >>> 3) & 0x07) * 0xFFFF / 7;
        int blue = ((index >>> 6) & 0x03) * 0xFFFF / 3;
        return new int[] { red, green, blue };
    }

    private static int channel(int value, int max, int shift) {
        // a shift past the pixel's width cannot carry the channel; dropping it beats Java's modulo-32 shift
        if (shift > 31) {
            return 0;
        }
        return ((value * max + 127) / 255) << shift;
    }
}
