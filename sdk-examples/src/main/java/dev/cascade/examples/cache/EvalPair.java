package dev.cascade.examples.cache;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled pair of the cache evaluation set ({@code cache-eval/pairs.jsonl}): input {@code a} is answered and
 * cached in {@code scopeA}; input {@code b} then arrives in {@code scopeB}. {@code shouldHit} says whether serving
 * a's answer for b would be right: true only for paraphrases in the same scope.
 *
 * @param kind {@code paraphrase}; the near-misses {@code negation}, {@code action}, {@code number},
 *             {@code identifier}, {@code product}, {@code topic}; or {@code cross-tenant}, {@code cross-namespace}
 */
public record EvalPair(String id, String kind, String domain, String a, String b, boolean shouldHit, Scope scopeA,
                       Scope scopeB) {

    /** The classpath resource of the set. */
    public static final String RESOURCE = "/cache-eval/pairs.jsonl";

    /** A caller's tenant and the chain's cache namespace. */
    public record Scope(String tenant, String namespace) {
    }

    /** Whether b arrives in another tenant or namespace than a (such a pair must never hit). */
    public boolean crossScope() {
        return !scopeA.equals(scopeB);
    }

    /** The committed evaluation set. */
    public static List<EvalPair> load() {
        try (InputStream in = EvalPair.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            JsonMapper json = JsonMapper.builder().build();
            List<EvalPair> pairs = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                pairs.add(new EvalPair(n.get("id").asString(), n.get("kind").asString(), n.get("domain").asString(),
                        n.get("a").asString(), n.get("b").asString(), n.get("shouldHit").asBoolean(),
                        scope(n.get("scopeA")), scope(n.get("scopeB"))));
            }
            return List.copyOf(pairs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Scope scope(JsonNode n) {
        return new Scope(n.get("tenant").asString(), n.get("namespace").asString());
    }
}
