package org.vmemperor.simulator.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TestPatternTest {

    @Test
    void everyPrintableCharacterHasItsOwnGlyph() {
        Set<String> shapes = new HashSet<>();
        for (char c = '!'; c <= '~'; c++) {
            String shape = shape(c);
            assertThat(shape).as("glyph of %s", c).contains("#");
            assertThat(shapes.add(shape)).as("glyph of %s is not shared with another character", c).isTrue();
        }
        assertThat(shape(' ')).doesNotContain("#");
    }

    @Test
    void charactersWithoutGlyphAreDrawnAsQuestionMarks() {
        assertThat(BitmapFont.covers('\u00e9')).isFalse();
        assertThat(shape('\u00e9')).isEqualTo(shape('?'));
    }

    @Test
    void barsAndRampAreWhereTheTestsExpectThem() {
        TestPattern pattern = TestPattern.showing("x");

        for (int bar = 0; bar < TestPattern.BAR_COLOURS.length; bar++) {
            int middle = (2 * bar + 1) * TestPattern.WIDTH / (2 * TestPattern.BAR_COLOURS.length);
            assertThat(pattern.rgb(middle, 0)).isEqualTo(TestPattern.BAR_COLOURS[bar]);
        }
        assertThat(pattern.rgb(0, TestPattern.RAMP_Y)).isEqualTo(TestPattern.BLACK);
        assertThat(pattern.rgb(TestPattern.WIDTH - 1, TestPattern.RAMP_Y)).isEqualTo(TestPattern.WHITE);
    }

    @Test
    void nameIsDrawnInTheNameBandOnly() {
        assertThat(namePixels("")).isZero();
        assertThat(namePixels("A")).isPositive();
        assertThat(namePixels("AA")).isEqualTo(2 * namePixels("A"));
        assertThat(namePixels(null)).isZero();

        TestPattern named = TestPattern.showing("some-vm");
        TestPattern unnamed = TestPattern.showing("");
        for (int y = 0; y < TestPattern.NAME_BAND_Y; y++) {
            for (int x = 0; x < TestPattern.WIDTH; x++) {
                assertThat(named.rgb(x, y)).isEqualTo(unnamed.rgb(x, y));
            }
        }
    }

    @Test
    void longAndNonAsciiNamesAreStillDrawn() {
        assertThat(namePixels("n".repeat(1000))).isPositive();
        assertThat(namePixels("vm-".repeat(20))).isPositive();
        assertThat(namePixels("\uD83D\uDE00 emoji")).isPositive();
    }

    /** The glyph as text, one row per line, so a failing assertion shows the letter. */
    private static String shape(char c) {
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < BitmapFont.GLYPH_WIDTH; column++) {
                line.append(BitmapFont.isSet(c, column, row) ? '#' : '.');
            }
            rows.add(line.toString());
        }
        return String.join("\n", rows);
    }

    private static int namePixels(String name) {
        TestPattern pattern = TestPattern.showing(name);
        int white = 0;
        for (int y = TestPattern.NAME_BAND_Y; y < TestPattern.HEIGHT; y++) {
            for (int x = 0; x < TestPattern.WIDTH; x++) {
                if (pattern.rgb(x, y) == TestPattern.WHITE) {
                    white++;
                }
            }
        }
        return white;
    }
}
