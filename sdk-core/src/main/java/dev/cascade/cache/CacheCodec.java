package dev.cascade.cache;

import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a chain's answers into the text a persistent {@link CacheStore} keeps, and back.
 * {@code decode(encode(x))} must equal {@code x}. Implementations must be thread-safe.
 *
 * @param <T> the answer type
 */
public interface CacheCodec<T> {

    /** The answer as text. */
    String encode(T value);

    /** The answer a text stands for; may throw {@link IllegalArgumentException} (the entry is then a miss). */
    T decode(String text);

    /** Text as it is: for chains whose output is a {@code String}. */
    static CacheCodec<String> strings() {
        return of(Function.identity(), Function.identity());
    }

    /** A codec of two functions (e.g. a JSON mapper's write and read). */
    static <T> CacheCodec<T> of(Function<? super T, String> encode, Function<String, ? extends T> decode) {
        Objects.requireNonNull(encode, "encode");
        Objects.requireNonNull(decode, "decode");
        return new CacheCodec<>() {
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
