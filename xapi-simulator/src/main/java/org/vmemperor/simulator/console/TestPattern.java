package org.vmemperor.simulator.console;

/**
 * The simulated VM's screen: colour bars, a grey ramp and the VM's name in large white letters on black, so that a
 * screenshot or a pixel comparison tells which VM a console belongs to and whether colours survive the pixel format.
 */
final class TestPattern {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    static final int BARS_HEIGHT = 300;
    static final int RAMP_Y = BARS_HEIGHT;
    static final int RAMP_HEIGHT = 40;
    /** The black band holding the VM name; tests request exactly this area to compare two VMs. */
    static final int NAME_BAND_Y = RAMP_Y + RAMP_HEIGHT;
    static final int NAME_BAND_HEIGHT = HEIGHT - NAME_BAND_Y;

    static final int WHITE = 0xFFFFFF;
    static final int BLACK = 0x000000;
    /** Full-intensity bars in the classic order, so a client's colour handling can be checked by eye. */
    static final int[] BAR_COLOURS = { WHITE, 0xFFFF00, 0x00FFFF, 0x00FF00, 0xFF00FF, 0xFF0000, 0x0000FF };

    private static final int TEXT_MARGIN = 16;
    private static final int MAX_SCALE = 4;
    /** A glyph plus one blank column between letters. */
    private static final int ADVANCE = BitmapFont.GLYPH_WIDTH + 1;
    private static final String ELLIPSIS = "...";

    private final int[] pixels = new int[WIDTH * HEIGHT];

    private TestPattern() {
    }

    /** Renders the pattern for a VM; a null name renders as an empty one. */
    static TestPattern showing(String vmName) {
        TestPattern pattern = new TestPattern();
        pattern.drawBars();
        pattern.drawRamp();
        pattern.fill(0, NAME_BAND_Y, WIDTH, NAME_BAND_HEIGHT, BLACK);
        pattern.drawName(vmName == null ? "" : vmName);
        return pattern;
    }

    /** The 0xRRGGBB colour at a pixel. */
    int rgb(int x, int y) {
        return pixels[y * WIDTH + x];
    }

    /**
     * Writes the pixels of a rectangle, row by row as raw encoding wants them, in the client's pixel format. The
     * rectangle must lie inside the screen.
     */
    void encode(PixelFormat format, int x, int y, int width, int height, byte[] out, int offset) {
        int bytesPerPixel = format.bytesPerPixel();
        int position = offset;
        for (int row = y; row < y + height; row++) {
            int rowStart = row * WIDTH;
            for (int column = x; column < x + width; column++) {
                format.put(out, position, format.pixelValue(pixels[rowStart + column]));
                position += bytesPerPixel;
            }
        }
    }

    private void drawBars() {
        for (int x = 0; x < WIDTH; x++) {
            int colour = BAR_COLOURS[x * BAR_COLOURS.length / WIDTH];
            for (int y = 0; y < BARS_HEIGHT; y++) {
                pixels[y * WIDTH + x] = colour;
            }
        }
    }

    private void drawRamp() {
        for (int x = 0; x < WIDTH; x++) {
            int grey = x * 255 / (WIDTH - 1);
            int colour = (grey << 16) | (grey << 8) | grey;
            for (int y = RAMP_Y; y < RAMP_Y + RAMP_HEIGHT; y++) {
                pixels[y * WIDTH + x] = colour;
            }
        }
    }

    private void drawName(String vmName) {
        String text = printable(vmName);
        int available = WIDTH - 2 * TEXT_MARGIN;
        int scale = MAX_SCALE;
        while (scale > 1 && textWidth(text.length(), scale) > available) {
            scale--;
        }
        int maxChars = (available + scale) / (ADVANCE * scale);
        if (text.length() > maxChars) {
            // a cut-off name still identifies the VM by its start, and the ellipsis says it was cut
            text = text.substring(0, maxChars - ELLIPSIS.length()) + ELLIPSIS;
        }
        int left = (WIDTH - textWidth(text.length(), scale)) / 2;
        int top = NAME_BAND_Y + (NAME_BAND_HEIGHT - BitmapFont.GLYPH_HEIGHT * scale) / 2;
        for (int i = 0; i < text.length(); i++) {
            drawGlyph(text.charAt(i), left + i * ADVANCE * scale, top, scale);
        }
    }

    private void drawGlyph(char c, int left, int top, int scale) {
        for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++) {
            for (int column = 0; column < BitmapFont.GLYPH_WIDTH; column++) {
                if (BitmapFont.isSet(c, column, row)) {
                    fill(left + column * scale, top + row * scale, scale, scale, WHITE);
                }
            }
        }
    }

    private void fill(int x, int y, int width, int height, int colour) {
        for (int row = y; row < y + height; row++) {
            for (int column = x; column < x + width; column++) {
                pixels[row * WIDTH + column] = colour;
            }
        }
    }

    /** One character per code point, so a name in another script keeps its length as question marks. */
    private static String printable(String name) {
        StringBuilder text = new StringBuilder(name.length());
        name.codePoints().forEach(c -> text.append(BitmapFont.covers(c) ? (char) c : '?'));
        return text.toString();
    }

    private static int textWidth(int characters, int scale) {
        // no blank column after the last letter, so centring is exact
        return characters == 0 ? 0 : (characters * ADVANCE - 1) * scale;
    }
}
