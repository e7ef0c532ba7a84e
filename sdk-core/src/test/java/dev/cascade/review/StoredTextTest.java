package dev.cascade.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@link StoredText}: lossless for every string, and a no-op for text without U+0000 or U+0010. */
class StoredTextTest {

    @Test
    void everyStringRoundTripsAndNoStoredFormHoldsANul() {
        SplittableRandom random = new SplittableRandom(16);
        char[] alphabet = {'\u0000', '\u0010', '0', 'a', '\u202E', '\uD83D', '\uDE00', '\\'};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(12);
            for (int i = 0; i < len; i++) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = b.toString();
            String stored = StoredText.store(text);
            assertThat(stored).doesNotContain("\u0000");
            assertThat(StoredText.load(stored)).isEqualTo(text);
        }
    }

    @Test
    void plainTextIsStoredUnchangedAndALoneEscapeReadsAsItself() {
        String plain = "plain text \u202E";
        assertThat(StoredText.store(plain)).isSameAs(plain);
        assertThat(StoredText.store(null)).isNull();
        assertThat(StoredText.load(null)).isNull();
        assertThat(StoredText.store("a\u0000b")).isEqualTo("a\u00100b");
        assertThat(StoredText.store("\u0010")).isEqualTo("\u0010\u0010");
        assertThat(StoredText.load("x\u0010y")).isEqualTo("x\u0010y");
        assertThat(StoredText.load("x\u0010")).isEqualTo("x\u0010");
    }

    @Test
    void aCutStoredValueFitsAndNeverSplitsAnEscapeOrASurrogatePair() {
        assertThat(StoredText.store("ab\u0000", 3)).isEqualTo("ab");
        assertThat(StoredText.store("ab\u0000", 4)).isEqualTo("ab\u00100");
        assertThat(StoredText.store("a\u0010\u0010", 4)).isEqualTo("a\u0010\u0010");
        assertThat(StoredText.store("ab\uD83D\uDE00", 3)).isEqualTo("ab");
        assertThat(StoredText.store("plain", 10)).isSameAs("plain");
        assertThat(StoredText.store(null, 10)).isNull();
        SplittableRandom random = new SplittableRandom(17);
        char[] alphabet = {'\u0000', '\u0010', '0', 'a', '\uD83D', '\uDE00'};
        for (int n = 0; n < 5_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(12);
            for (int i = 0; i < len; i++) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = b.toString();
            int max = random.nextInt(14);
            String stored = StoredText.store(text, max);
            assertThat(stored.length()).isLessThanOrEqualTo(max);
            assertThat(text).startsWith(StoredText.load(stored));
        }
    }
}
