package dev.cascade.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The part of a cache key that no lookup may cross: the chain, the tenant, the user's namespace (a name and version,
 * e.g. {@code faq-v3}) and a hash of the answering configuration (system prompt, model steps and their models,
 * request options such as temperature, tools or response format, output cap). Exact and semantic lookups only ever
 * see entries of the same scope. Immutable.
 *
 * @param chain         the chain's name
 * @param tenant        the caller's tenant ({@link dev.cascade.api.CallContext#tenant()}), or {@code null}: calls
 *                      without a tenant share one scope of their own, which no tenant's calls can read
 * @param namespace     the cache namespace the chain was given
 * @param configuration the hex SHA-256 of the answering configuration
 */
public record CacheScope(String chain, String tenant, String namespace, String configuration) {

    public CacheScope {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(configuration, "configuration");
    }

    /** A stable id of this scope (hex SHA-256 of its parts, each length-prefixed, the absent tenant distinct). */
    public String id() {
        return sha256(chain, tenant, namespace, configuration);
    }

    /** Hex SHA-256 over the parts, each length-prefixed so that no two different lists give the same bytes. */
    static String sha256(String... parts) {
        MessageDigest digest = sha256();
        for (String part : parts) {
            if (part == null) {
                digest.update((byte) 0);
            } else {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update((byte) 1);
                digest.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                        (byte) (bytes.length >>> 8), (byte) bytes.length});
                digest.update(bytes);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
