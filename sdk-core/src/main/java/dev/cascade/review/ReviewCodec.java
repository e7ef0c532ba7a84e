package dev.cascade.review;

import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a chain's typed input or answer into the text a {@link ReviewStore} keeps and a reviewer reads, and a
 * reviewer's text answer back into the chain's type. {@code decode(encode(x))} must equal {@code x}. Implementations
 * must be thread-safe; {@link #decode} may throw {@link IllegalArgumentException} for text it cannot read.
 *
 * @param <T> the typed value
 */
public interface ReviewCodec<T> {

    /** The value as text. */
    String encode(T value);

    /** The value a text stands for. */
    T decode(String text);

    /** Text as it is: for chains whose input or output is a {@code String}. */
    static ReviewCodec<String> strings() {
        return of(Function.identity(), Function.identity());
    }

    /** A codec of two functions (e.g. a JSON mapper's write and read). */
    static <T> ReviewCodec<T> of(Function<? super T, String> encode, Function<String, ? extends T> decode) {
        Objects.requireNonNull(encode, "encode");
        Objects.requireNonNull(decode, "decode");
        return new ReviewCodec<>() {
            @Override
            public String encode(T value) {
                return encode.apply(value);
            }

            @Override
            public T decode(String text) {
                return decode.apply(text);
            }
        };
    }
}
