package org.vmemperor.simulator.console;

/**
 * A 5x7 bitmap font for printable ASCII (0x20 to 0x7E), drawn by hand for the console test pattern.
 * <p>
 * Each glyph is a {@code long} holding seven rows of one byte each, top row in the most significant used byte; bit 4
 * of a row is the leftmost column. Writing the rows as hex bytes keeps the shapes legible in the source without a
 * font file or AWT (which is absent from headless and native images).
 */
final class BitmapFont {

    static final int GLYPH_WIDTH = 5;
    static final int GLYPH_HEIGHT = 7;

    private static final char FIRST = ' ';
    private static final char LAST = '~';
    private static final char REPLACEMENT = '?';

    private static final long[] GLYPHS = {
            0x00_00_00_00_00_00_00L, // space
            0x04_04_04_04_04_00_04L, // !
            0x0A_0A_0A_00_00_00_00L, // "
            0x0A_0A_1F_0A_1F_0A_0AL, // #
            0x04_0F_14_0E_05_1E_04L, // $
            0x18_19_02_04_08_13_03L, // %
            0x0C_12_14_08_15_12_0DL, // &
            0x0C_04_08_00_00_00_00L, // '
            0x02_04_08_08_08_04_02L, // (
            0x08_04_02_02_02_04_08L, // )
            0x00_04_15_0E_15_04_00L, // *
            0x00_04_04_1F_04_04_00L, // +
            0x00_00_00_00_0C_04_08L, // ,
            0x00_00_00_1F_00_00_00L, // -
            0x00_00_00_00_00_0C_0CL, // .
            0x00_01_02_04_08_10_00L, // /
            0x0E_11_13_15_19_11_0EL, // 0
            0x04_0C_04_04_04_04_0EL, // 1
            0x0E_11_01_02_04_08_1FL, // 2
            0x1F_02_04_02_01_11_0EL, // 3
            0x02_06_0A_12_1F_02_02L, // 4
            0x1F_10_1E_01_01_11_0EL, // 5
            0x06_08_10_1E_11_11_0EL, // 6
            0x1F_01_02_04_08_08_08L, // 7
            0x0E_11_11_0E_11_11_0EL, // 8
            0x0E_11_11_0F_01_02_0CL, // 9
            0x00_0C_0C_00_0C_0C_00L, // :
            0x00_0C_0C_00_0C_04_08L, // ;
            0x02_04_08_10_08_04_02L, // <
            0x00_00_1F_00_1F_00_00L, // =
            0x08_04_02_01_02_04_08L, // >
            0x0E_11_01_02_04_00_04L, // ?
            0x0E_11_01_0D_15_15_0EL, // @
            0x0E_11_11_11_1F_11_11L, // A
            0x1E_11_11_1E_11_11_1EL, // B
            0x0E_11_10_10_10_11_0EL, // C
            0x1C_12_11_11_11_12_1CL, // D
            0x1F_10_10_1E_10_10_1FL, // E
            0x1F_10_10_1E_10_10_10L, // F
            0x0E_11_10_17_11_11_0FL, // G
            0x11_11_11_1F_11_11_11L, // H
            0x0E_04_04_04_04_04_0EL, // I
            0x07_02_02_02_02_12_0CL, // J
            0x11_12_14_18_14_12_11L, // K
            0x10_10_10_10_10_10_1FL, // L
            0x11_1B_15_15_11_11_11L, // M
            0x11_11_19_15_13_11_11L, // N
            0x0E_11_11_11_11_11_0EL, // O
            0x1E_11_11_1E_10_10_10L, // P
            0x0E_11_11_11_15_12_0DL, // Q
            0x1E_11_11_1E_14_12_11L, // R
            0x0F_10_10_0E_01_01_1EL, // S
            0x1F_04_04_04_04_04_04L, // T
            0x11_11_11_11_11_11_0EL, // U
            0x11_11_11_11_11_0A_04L, // V
            0x11_11_11_15_15_15_0AL, // W
            0x11_11_0A_04_0A_11_11L, // X
            0x11_11_11_0A_04_04_04L, // Y
            0x1F_01_02_04_08_10_1FL, // Z
            0x0E_08_08_08_08_08_0EL, // [
            0x00_10_08_04_02_01_00L, // backslash
            0x0E_02_02_02_02_02_0EL, // ]
            0x04_0A_11_00_00_00_00L, // ^
            0x00_00_00_00_00_00_1FL, // _
            0x08_04_02_00_00_00_00L, // `
            0x00_00_0E_01_0F_11_0FL, // a
            0x10_10_16_19_11_11_1EL, // b
            0x00_00_0E_10_10_11_0EL, // c
            0x01_01_0D_13_11_11_0FL, // d
            0x00_00_0E_11_1F_10_0EL, // e
            0x06_09_08_1C_08_08_08L, // f
            0x00_0F_11_11_0F_01_0EL, // g
            0x10_10_16_19_11_11_11L, // h
            0x04_00_0C_04_04_04_0EL, // i
            0x02_00_06_02_02_12_0CL, // j
            0x10_10_12_14_18_14_12L, // k
            0x0C_04_04_04_04_04_0EL, // l
            0x00_00_1A_15_15_11_11L, // m
            0x00_00_16_19_11_11_11L, // n
            0x00_00_0E_11_11_11_0EL, // o
            0x00_00_1E_11_1E_10_10L, // p
            0x00_00_0D_13_0F_01_01L, // q
            0x00_00_16_19_10_10_10L, // r
            0x00_00_0E_10_0E_01_1EL, // s
            0x08_08_1C_08_08_09_06L, // t
            0x00_00_11_11_11_13_0DL, // u
            0x00_00_11_11_11_0A_04L, // v
            0x00_00_11_11_15_15_0AL, // w
            0x00_00_11_0A_04_0A_11L, // x
            0x00_00_11_11_0F_01_0EL, // y
            0x00_00_1F_02_04_08_1FL, // z
            0x02_04_04_08_04_04_02L, // {
            0x04_04_04_04_04_04_04L, // |
            0x08_04_04_02_04_04_08L, // }
            0x00_00_08_15_02_00_00L, // ~
    };

    private BitmapFont() {
    }

    /** Whether the font has a glyph of its own for {@code c}; any other character is drawn as {@code ?}. */
    static boolean covers(int c) {
        return c >= FIRST && c <= LAST;
    }

    /** Whether the pixel at ({@code column}, {@code row}) of the glyph for {@code c} is set. */
    static boolean isSet(int c, int column, int row) {
        if (column < 0 || column >= GLYPH_WIDTH || row < 0 || row >= GLYPH_HEIGHT) {
            return false;
        }
        long glyph = GLYPHS[(covers(c) ? c : REPLACEMENT) - FIRST];
        int rowBits = (int) (glyph >>> (8 * (GLYPH_HEIGHT - 1 - row))) & 0x1F;
        return (rowBits & (1 << (GLYPH_WIDTH - 1 - column))) != 0;
    }
}
