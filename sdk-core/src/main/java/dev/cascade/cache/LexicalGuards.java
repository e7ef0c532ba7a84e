package dev.cascade.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link MatchGuard} made of cheap lexical checks: refuses a semantic hit when the two inputs differ in what an
 * embedding blurs but the answer depends on. Each check compares what it finds in both texts and refuses when that
 * differs:
 * <ul>
 *   <li><b>negation</b> ({@value #NEGATION}): one text has a negation word ({@code not}, {@code no}, {@code never},
 *       any {@code n't}, {@code cannot}, {@code without}, {@code unable}, ...), the other none;</li>
 *   <li><b>action</b> ({@value #ACTION}): the texts take opposite sides of an action pair (enable/disable,
 *       add/remove, lock/unlock, subscribe/unsubscribe, on/off, log in/log out, upgrade/downgrade, ... in any
 *       inflection);</li>
 *   <li><b>number</b> ({@value #NUMBER}): the numbers differ (amounts, quantities, days, {@code $20} = {@code 20.00};
 *       the words two to twelve count as numbers);</li>
 *   <li><b>identifier</b> ({@value #IDENTIFIER}): the identifiers differ: tokens mixing letters and digits (order
 *       ids, SKUs, {@code v2}), e-mail addresses, URLs, version numbers, {@code #1234};</li>
 *   <li><b>entity</b> ({@value #ENTITY}): the capitalised words not at the start of a sentence, or the quoted
 *       phrases, differ (product and place names a lexical check can see). It relies on case, which the response
 *       cache keeps for its guard; given lower-cased text, only quoted phrases count;</li>
 *   <li><b>term</b> ({@value #TERM}): the texts name different members of a term group — words that are alike for an
 *       embedding but not for the answer, such as {iphone, android}, months, weekdays, monthly/annual. Naming a
 *       member in one text and none in the other also refuses: the answer may be specific to it.</li>
 * </ul>
 *
 * <p>Reasons are those constants, never the inputs. Comparison is case-insensitive except for the entity check. A
 * guard that refuses too much costs recall (a paraphrase answered by the model instead of the cache); one that refuses
 * too little serves a wrong answer, so the defaults lean to refusing.
 *
 * <p>{@link #defaults()} enables every check with the built-in word lists and term groups (platforms, months,
 * weekdays, billing periods, payment methods, shipping speeds). {@link #builder()} starts from the same defaults;
 * switch checks off or add action pairs, negation words and term groups there.
 *
 * <p>Immutable and thread-safe. A check costs a few microseconds for support-length texts (tokenising both texts
 * once; no allocation-heavy parsing).
 */
public final class LexicalGuards implements MatchGuard {
    /** Reason: one text is negated and the other is not. */
    public static final String NEGATION = "negation differs";
    /** Reason: the texts take opposite sides of an action pair. */
    public static final String ACTION = "action differs";
    /** Reason: the numbers differ. */
    public static final String NUMBER = "number differs";
    /** Reason: the identifiers (ids, e-mails, versions, SKUs) differ. */
    public static final String IDENTIFIER = "identifier differs";
    /** Reason: the capitalised or quoted names differ. */
    public static final String ENTITY = "entity differs";
    /** Reason: the texts name different members of a term group. */
    public static final String TERM = "term differs";

    private static final Set<String> DEFAULT_NEGATIONS = Set.of("not", "no", "never", "cannot", "cant", "dont",
            "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt", "hadnt", "wont", "wouldnt",
            "couldnt", "shouldnt", "aint", "without", "unable", "nothing", "none", "nobody", "nowhere", "neither",
            "nor", "stopped", "failed", "fails", "missing", "unsuccessful");

    private static final List<String[]> DEFAULT_ACTIONS = List.of(
            pair("enable", "disable"), pair("activate", "deactivate"), pair("add", "remove"), pair("add", "delete"),
            pair("subscribe", "unsubscribe"), pair("lock", "unlock"), pair("on", "off"), pair("login", "logout"),
            pair("signin", "signout"), pair("optin", "optout"), pair("start", "stop"), pair("start", "end"),
            pair("open", "close"), pair("pause", "resume"), pair("cancel", "resume"), pair("cancel", "renew"),
            pair("cancel", "reactivate"), pair("cancel", "restart"), pair("upgrade", "downgrade"),
            pair("increase", "decrease"), pair("increase", "reduce"), pair("raise", "lower"),
            pair("include", "exclude"), pair("allow", "block"), pair("block", "unblock"),
            pair("follow", "unfollow"), pair("mute", "unmute"), pair("show", "hide"), pair("hide", "unhide"),
            pair("install", "uninstall"), pair("link", "unlink"), pair("connect", "disconnect"),
            pair("pair", "unpair"), pair("archive", "unarchive"), pair("import", "export"),
            pair("upload", "download"), pair("buy", "sell"), pair("deposit", "withdraw"), pair("credit", "debit"),
            pair("encrypt", "decrypt"), pair("accept", "decline"), pair("accept", "reject"),
            pair("approve", "reject"), pair("approve", "deny"), pair("charge", "refund"), pair("send", "receive"),
            pair("join", "leave"), pair("merge", "split"), pair("more", "less"), pair("more", "fewer"),
            pair("higher", "lower"), pair("maximum", "minimum"), pair("max", "min"), pair("first", "last"),
            pair("public", "private"), pair("before", "after"), pair("incoming", "outgoing"),
            pair("inbound", "outbound"), pair("freeze", "unfreeze"), pair("verify", "unverify"),
            pair("pin", "unpin"), pair("ban", "unban"), pair("suspend", "unsuspend"), pair("suspend", "reinstate"),
            pair("restore", "delete"), pair("archive", "delete"), pair("keep", "delete"), pair("keep", "cancel"),
            pair("share", "unshare"), pair("tag", "untag"), pair("register", "deregister"),
            pair("register", "unregister"), pair("authorize", "revoke"), pair("grant", "revoke"),
            pair("assign", "unassign"), pair("check in", "check out"), pair("login", "signout"),
            pair("signin", "logout"));

    /** Two-word phrases read as one action word, so "log in" and "log out" differ while "in" and "out" do not. */
    private static final Map<String, String> PHRASES = Map.ofEntries(
            Map.entry("log in", "login"), Map.entry("log into", "login"), Map.entry("logging in", "login"),
            Map.entry("logged in", "login"), Map.entry("log out", "logout"), Map.entry("logging out", "logout"),
            Map.entry("logged out", "logout"), Map.entry("sign in", "signin"), Map.entry("signing in", "signin"),
            Map.entry("signed in", "signin"), Map.entry("sign into", "signin"), Map.entry("sign out", "signout"),
            Map.entry("signing out", "signout"), Map.entry("signed out", "signout"), Map.entry("opt in", "optin"),
            Map.entry("opt out", "optout"), Map.entry("opted out", "optout"), Map.entry("opted in", "optin"),
            Map.entry("check in", "check_in"), Map.entry("check out", "check_out"),
            Map.entry("checking out", "check_out"), Map.entry("log-in", "login"), Map.entry("log-out", "logout"),
            Map.entry("sign-in", "signin"), Map.entry("sign-out", "signout"), Map.entry("logon", "login"),
            Map.entry("logoff", "logout"), Map.entry("signon", "signin"));

    private static final List<List<String>> DEFAULT_TERM_GROUPS = List.of(
            List.of("iphone|ios|ipad|ipados", "android", "windows|pc", "mac|macos|macbook|osx", "linux",
                    "chromebook|chromeos"),
            // "may", "mar", "sat", "sun", "wed" are left out: they are ordinary words too
            List.of("january|jan", "february|feb", "march", "april|apr", "june|jun", "july|jul",
                    "august|aug", "september|sept", "october|oct", "november|nov", "december"),
            List.of("monday", "tuesday|tues", "wednesday", "thursday|thurs", "friday", "saturday", "sunday"),
            List.of("monthly|per month|a month|each month|every month",
                    "annual|annually|yearly|per year|a year|each year|every year", "weekly|per week|every week",
                    "quarterly|per quarter"),
            List.of("paypal", "apple pay", "google pay", "credit card|visa|mastercard|amex", "debit card",
                    "bank transfer|wire transfer|wire|ach", "gift card", "klarna", "crypto|bitcoin"),
            List.of("standard shipping|standard delivery|ground", "express|expedited|next day|next-day|overnight",
                    "international"),
            List.of("email|e-mail|emails", "sms|text message|texts|phone number", "authenticator app|authenticator",
                    "push notification|push notifications"),
            List.of("basic plan|basic tier", "pro plan|pro", "premium|premium plan", "business plan|business tier",
                    "enterprise|enterprise plan", "family plan", "student plan"),
            List.of("usd|dollars|dollar", "eur|euro|euros", "gbp|pounds|pound", "jpy|yen", "cad", "aud"),
            List.of("today", "yesterday", "tomorrow", "last week", "last month", "next week", "next month"),
            List.of("admin|administrator", "owner", "guest", "viewer", "editor"),
            List.of("black", "white", "red", "blue", "green", "yellow", "pink", "purple", "orange", "grey|gray",
                    "silver", "gold", "beige", "brown", "navy"),
            List.of("xs|extra small", "small", "medium", "large", "xl|extra large", "xxl"),
            List.of("fedex", "dhl", "ups", "usps", "dpd", "royal mail", "canada post", "gls", "hermes"),
            List.of("google|gmail", "microsoft|outlook|office 365|hotmail", "apple|icloud", "yahoo", "facebook",
                    "slack", "zoom", "dropbox", "onedrive"));

    private static final Map<String, String> NUMBER_WORDS = Map.ofEntries(Map.entry("two", "2"),
            Map.entry("three", "3"), Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"),
            Map.entry("seven", "7"), Map.entry("eight", "8"), Map.entry("nine", "9"), Map.entry("ten", "10"),
            Map.entry("eleven", "11"), Map.entry("twelve", "12"), Map.entry("twice", "2"),
            Map.entry("thrice", "3"), Map.entry("double", "2"));

    /** Letter-and-digit words that are ordinary vocabulary, not identifiers. */
    private static final Set<String> NOT_IDENTIFIERS = Set.of("2fa", "3ds", "3d", "3g", "4g", "5g", "4k", "mp3",
            "mp4", "a4", "b2b", "b2c", "p2p", "24/7", "w2", "w-2", "i9", "h1b");

    /** Capitalised words that say nothing about the subject (greetings, pronouns, politeness, question words). */
    private static final Set<String> NOT_ENTITIES = Set.of("i", "i'm", "i've", "i'd", "i'll", "im", "ive", "id",
            "hi", "hello", "hey", "dear", "thanks", "thank", "please", "pls", "ok", "okay", "yes", "no", "sorry",
            "help", "urgent", "asap", "fyi", "btw", "hallo", "team", "support", "sir", "madam", "regards", "cheers",
            "what", "why", "how", "when", "where", "who", "which", "can", "could", "would", "should", "is", "are",
            "do", "does", "did", "will", "my", "the", "a", "an", "it", "its", "this", "that", "there", "also",
            "so", "and", "but", "or", "if", "quick", "question", "again", "still", "just", "good", "morning",
            "afternoon", "evening", "is there", "any");

    private static final Pattern TOKEN = Pattern.compile(
            "[\\p{L}\\p{N}][\\p{L}\\p{N}._%+\\-/@:#']*[\\p{L}\\p{N}]|[\\p{L}\\p{N}]"
                    + "|[#$€£¥]\\p{N}(?:[\\p{N}.,]*\\p{N})?");
    private static final Pattern EMAIL = Pattern.compile("[\\p{L}\\p{N}._%+\\-]+@[\\p{L}\\p{N}.\\-]+\\.[\\p{L}]{2,}");
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");
    private static final Pattern NUMBER_TOKEN = Pattern.compile("[#$€£¥]?(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?"
            + "(%|st|nd|rd|th|k|m|gb|mb|tb|kg|lb|lbs|x|am|pm|h|hrs|min|mins|s|d)?");
    private static final Pattern VERSION = Pattern.compile("v?\\d+(\\.\\d+){2,}");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]{1,80})\"|“([^”]{1,80})”"
            + "|'([^'\\s][^']{0,78}[^'\\s])'"
            + "(?=[\\s.,!?;:)]|$)");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?:;]+");

    private final boolean negation;
    private final boolean actions;
    private final boolean numbers;
    private final boolean identifiers;
    private final boolean entities;
    private final Set<String> negationWords;
    /** Inflected form (and phrase token) → base word; base word → the bases opposite to it. */
    private final Map<String, String> actionForms;
    private final Map<String, Set<String>> opposites;
    /** Synonym (lower-case words joined by a space) → the term-group alternatives it names (group * 1000 + index). */
    private final Map<String, List<Integer>> terms;
    /** The most words a synonym has. */
    private final int longestTerm;

    private LexicalGuards(Builder b) {
        this.negation = b.negation;
        this.actions = b.actions;
        this.numbers = b.numbers;
        this.identifiers = b.identifiers;
        this.entities = b.entities;
        this.negationWords = Set.copyOf(b.negationWords);
        Map<String, String> forms = new HashMap<>();
        Map<String, Set<String>> opp = new HashMap<>();
        for (String[] p : b.actionPairs) {
            String x = actionBase(p[0]);
            String y = actionBase(p[1]);
            for (String w : new String[] {x, y}) {
                for (String f : inflections(w)) {
                    forms.putIfAbsent(f, w);
                }
            }
            opp.computeIfAbsent(x, k -> new LinkedHashSet<>()).add(y);
            opp.computeIfAbsent(y, k -> new LinkedHashSet<>()).add(x);
        }
        this.actionForms = Map.copyOf(forms);
        Map<String, Set<String>> frozen = new HashMap<>();
        opp.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        this.opposites = Map.copyOf(frozen);
        Map<String, List<Integer>> index = new HashMap<>();
        int longest = 0;
        for (int g = 0; g < b.termGroups.size(); g++) {
            List<String> alternatives = b.termGroups.get(g);
            for (int a = 0; a < alternatives.size(); a++) {
                for (String synonym : alternatives.get(a).split("\\|")) {
                    List<String> w = words(synonym);
                    longest = Math.max(longest, w.size());
                    index.computeIfAbsent(String.join(" ", w), k -> new ArrayList<>()).add(g * 1000 + a);
                }
            }
        }
        Map<String, List<Integer>> frozenIndex = new HashMap<>();
        index.forEach((k, v) -> frozenIndex.put(k, List.copyOf(v)));
        this.terms = Map.copyOf(frozenIndex);
        this.longestTerm = longest;
    }

    private static String[] pair(String a, String b) {
        return new String[] {a, b};
    }

    /** Every check on, with the built-in word lists and term groups. */
    public static LexicalGuards defaults() {
        return Defaults.INSTANCE;
    }

    /** A builder starting from {@link #defaults()}. Not thread-safe; {@code build()} copies. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<String> refuse(String input, String cachedInput) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(cachedInput, "cachedInput");
        if (input.equals(cachedInput)) {
            return Optional.empty();
        }
        Analysis a = analyse(input);
        Analysis b = analyse(cachedInput);
        if (negation && a.negated != b.negated) {
            return Optional.of(NEGATION);
        }
        if (actions && actionsOppose(a.actions, b.actions)) {
            return Optional.of(ACTION);
        }
        if (numbers && !a.numbers.equals(b.numbers)) {
            return Optional.of(NUMBER);
        }
        if (identifiers && !a.identifiers.equals(b.identifiers)) {
            return Optional.of(IDENTIFIER);
        }
        if (entities && !a.entities.equals(b.entities)) {
            return Optional.of(ENTITY);
        }
        if (!a.terms.equals(b.terms)) {
            return Optional.of(TERM);
        }
        return Optional.empty();
    }

    /** One side of a pair in one text, its opposite in the other, and neither text holding both sides. */
    private boolean actionsOppose(Set<String> a, Set<String> b) {
        for (String x : a) {
            if (b.contains(x)) {
                continue;
            }
            for (String y : opposites.getOrDefault(x, Set.of())) {
                if (b.contains(y) && !a.contains(y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private record Analysis(boolean negated, Set<String> actions, Set<String> numbers, Set<String> identifiers,
                            Set<String> entities, Set<Integer> terms) {
    }

    private Analysis analyse(String text) {
        Set<String> ids = new TreeSet<>();
        String rest = text.indexOf('\u2019') < 0 ? text : text.replace('\u2019', '\'');
        if (identifiers) {
            rest = collect(EMAIL, rest, ids);
            rest = collect(URL, rest, ids);
        }
        Set<String> ents = entities ? entities(rest) : Set.of();
        List<String> raw = new ArrayList<>();
        Matcher m = TOKEN.matcher(rest);
        while (m.find()) {
            raw.add(m.group());
        }
        List<String> lower = new ArrayList<>(raw.size());
        boolean negated = false;
        Set<String> nums = new TreeSet<>();
        for (String t : raw) {
            String w = t.toLowerCase(Locale.ROOT).replace("’", "'");
            lower.add(w);
            String bare = w.replace("'", "");
            if (negationWords.contains(bare) || w.endsWith("n't") || negationWords.contains(w)) {
                negated = true;
            }
            if (!hasDigit(w) || NOT_IDENTIFIERS.contains(w)) {
                String n = NUMBER_WORDS.get(w);
                if (n != null && numbers) {
                    nums.add(n);
                }
                continue;
            }
            Matcher nm = NUMBER_TOKEN.matcher(w);
            if (nm.matches()) {
                if (numbers) {
                    nums.add(canonicalNumber(nm));
                }
            } else if (hasLetter(w) || VERSION.matcher(w).matches()) {
                if (identifiers) {
                    ids.add(w);
                }
            } else if (numbers) {
                // dates and phone-like tokens: 03/05/2025, 12-34, 10:30
                nums.add(w);
            }
        }
        List<String> bare = new ArrayList<>(lower.size());
        for (String w : lower) {
            bare.add(w.indexOf('\'') < 0 ? w : w.replace("'", ""));
        }
        Set<String> acts = actions ? actions(lower, bare) : Set.of();
        Set<Integer> found = new TreeSet<>();
        StringBuilder gram = new StringBuilder();
        for (int i = 0; i < bare.size() && !terms.isEmpty(); i++) {
            gram.setLength(0);
            for (int n = 0; n < longestTerm && i + n < bare.size(); n++) {
                if (n > 0) {
                    gram.append(' ');
                }
                List<Integer> hit = terms.get(gram.append(bare.get(i + n)).toString());
                if (hit != null) {
                    found.addAll(hit);
                }
            }
        }
        return new Analysis(negated, acts, nums, ids, ents, found);
    }

    private Set<String> actions(List<String> words, List<String> bare) {
        Set<String> acts = new TreeSet<>();
        for (int i = 0; i < bare.size(); i++) {
            String phrase = PHRASES.get(bare.get(i));
            if (phrase == null && i + 1 < bare.size()) {
                phrase = PHRASES.get(bare.get(i) + " " + bare.get(i + 1));
            }
            String base = phrase == null ? null : actionForms.get(phrase);
            if (base != null) {
                acts.add(base);
            }
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String base = actionForms.get(w);
            if (base == null) {
                continue;
            }
            // "on"/"off" count only after a verb that switches something ("turn on", "switch it off", "on/off")
            if ((w.equals("on") || w.equals("off")) && !switchContext(words, i)) {
                continue;
            }
            acts.add(base);
        }
        return acts;
    }

    private static final Set<String> SWITCH_VERBS = Set.of("turn", "turned", "turning", "turns", "switch",
            "switched", "switching", "toggle", "toggled", "toggling", "set", "put", "keep", "flip");
    /** After these, "on"/"off" is a preposition ("on the device", "off my card"), not a switch. */
    private static final Set<String> DETERMINERS = Set.of("the", "a", "an", "my", "your", "our", "his", "her",
            "their", "this", "that", "these", "those", "of", "all", "every", "each", "some", "any");

    /**
     * "on"/"off" is a switch right after a switch verb ("turn on the light"), or a few words after one when no
     * determiner follows ("turn notifications off", "switch it on"); elsewhere ("on the device") it is not.
     */
    private static boolean switchContext(List<String> words, int i) {
        if (i > 0 && SWITCH_VERBS.contains(words.get(i - 1))) {
            return true;
        }
        if (i + 1 < words.size() && DETERMINERS.contains(words.get(i + 1))) {
            return false;
        }
        for (int j = Math.max(0, i - 3); j < i - 1; j++) {
            if (SWITCH_VERBS.contains(words.get(j))) {
                return true;
            }
        }
        return i > 0 && (words.get(i - 1).equals("mode") || words.get(i - 1).equals("setting"));
    }

    private static boolean hasDigit(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.isDigit(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLetter(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.isLetter(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static String collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        int last = 0;
        do {
            into.add(m.group().toLowerCase(Locale.ROOT).replaceAll("[.,!?;:)]+$", ""));
            sb.append(text, last, m.start()).append(' ');
            last = m.end();
        } while (m.find());
        return sb.append(text, last, text.length()).toString();
    }

    private static String canonicalNumber(Matcher nm) {
        String whole = nm.group(1).replace(",", "");
        String frac = nm.group(2);
        String unit = nm.group(3);
        whole = whole.replaceFirst("^0+(?=\\d)", "");
        if (frac != null) {
            String f = frac.replaceAll("0+$", "");
            whole = f.equals(".") ? whole : whole + f;
        }
        if (unit != null && !unit.equals("st") && !unit.equals("nd") && !unit.equals("rd") && !unit.equals("th")) {
            whole = whole + unit;
        }
        return whole;
    }

    /** Capitalised words not opening a sentence, and quoted phrases; lower-cased for comparison. */
    private static Set<String> entities(String text) {
        Set<String> out = new TreeSet<>();
        Matcher q = QUOTED.matcher(text);
        while (q.find()) {
            String s = q.group(1) != null ? q.group(1) : q.group(2) != null ? q.group(2) : q.group(3);
            out.add("\"" + String.join(" ", words(s)) + "\"");
        }
        for (String sentence : SENTENCE_END.split(text)) {
            Matcher m = TOKEN.matcher(sentence);
            boolean first = true;
            while (m.find()) {
                String t = m.group();
                boolean opening = first;
                first = false;
                if (opening || t.isEmpty() || !Character.isUpperCase(t.codePointAt(0))) {
                    continue;
                }
                String w = t.toLowerCase(Locale.ROOT).replace("’", "'");
                if (NOT_ENTITIES.contains(w) || hasDigit(w)) {
                    continue;
                }
                out.add(w);
            }
        }
        return out;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT).replace("’", "'").replace("'", ""));
        }
        return out;
    }

    private static String actionBase(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        String phrase = PHRASES.get(w);
        return phrase != null ? phrase : w.replace(' ', '_');
    }

    /** The word and its common English inflections (enable, enables, enabled, enabling; stop, stopped, ...). */
    private static Set<String> inflections(String w) {
        Set<String> out = new LinkedHashSet<>();
        out.add(w);
        if (w.contains("_") || w.length() < 3) {
            return out;
        }
        String stem = w.endsWith("e") ? w.substring(0, w.length() - 1) : w;
        out.add(w.endsWith("s") || w.endsWith("sh") || w.endsWith("ch") || w.endsWith("x") ? w + "es" : w + "s");
        out.add(stem + "ed");
        out.add(stem + "ing");
        char last = w.charAt(w.length() - 1);
        char before = w.charAt(w.length() - 2);
        if ("aeiouwxy".indexOf(last) < 0 && "aeiou".indexOf(before) >= 0) {
            out.add(w + last + "ed");
            out.add(w + last + "ing");
        }
        if (w.endsWith("y") && "aeiou".indexOf(before) < 0) {
            out.add(w.substring(0, w.length() - 1) + "ied");
            out.add(w.substring(0, w.length() - 1) + "ies");
        }
        if (w.endsWith("e")) {
            out.add(w + "d");
        }
        if (w.equals("send")) {
            out.add("sent");
        } else if (w.equals("buy")) {
            out.add("bought");
        } else if (w.equals("sell")) {
            out.add("sold");
        } else if (w.equals("leave")) {
            out.add("left");
        } else if (w.equals("keep")) {
            out.add("kept");
        } else if (w.equals("freeze")) {
            out.addAll(List.of("froze", "frozen"));
        } else if (w.equals("unfreeze")) {
            out.addAll(List.of("unfroze", "unfrozen"));
        } else if (w.equals("withdraw")) {
            out.addAll(List.of("withdrew", "withdrawn", "withdrawal", "withdrawals"));
        } else if (w.equals("deposit")) {
            out.add("deposits");
        } else if (w.equals("refund")) {
            out.addAll(List.of("refunds", "refunded"));
        } else if (w.equals("subscribe")) {
            out.add("subscription");
        } else if (w.equals("unsubscribe")) {
            out.add("unsubscription");
        } else if (w.equals("cancel")) {
            out.add("cancellation");
        }
        return out;
    }

    private static final class Defaults {
        static final LexicalGuards INSTANCE = new Builder().build();
    }

    /**
     * Configures a {@link LexicalGuards}; starts with every check on and the built-in lists. Not thread-safe;
     * {@link #build()} copies, so a builder may be reused.
     */
    public static final class Builder {
        private boolean negation = true;
        private boolean actions = true;
        private boolean numbers = true;
        private boolean identifiers = true;
        private boolean entities = true;
        private final Set<String> negationWords = new LinkedHashSet<>(DEFAULT_NEGATIONS);
        private final List<String[]> actionPairs = new ArrayList<>(DEFAULT_ACTIONS);
        private final List<List<String>> termGroups = new ArrayList<>(DEFAULT_TERM_GROUPS);

        private Builder() {
        }

        /** The negation check (default on). */
        public Builder negation(boolean on) {
            this.negation = on;
            return this;
        }

        /** The opposite-action check (default on). */
        public Builder actions(boolean on) {
            this.actions = on;
            return this;
        }

        /** The number check (default on). */
        public Builder numbers(boolean on) {
            this.numbers = on;
            return this;
        }

        /** The identifier check: ids, e-mails, URLs, versions, SKUs (default on). */
        public Builder identifiers(boolean on) {
            this.identifiers = on;
            return this;
        }

        /** The capitalised/quoted name check (default on). */
        public Builder entities(boolean on) {
            this.entities = on;
            return this;
        }

        /**
         * Adds negation words (single words, any case; apostrophes are ignored, so {@code "don't"} also matches
         * {@code dont}). Any word ending in {@code n't} is a negation already.
         */
        public Builder negationWords(String... words) {
            for (String w : words) {
                requireWord("negationWords", w);
                negationWords.add(w.trim().toLowerCase(Locale.ROOT).replace("'", ""));
            }
            return this;
        }

        /**
         * Adds a pair of opposite actions, in their base form ({@code "archive", "restore"}); inflections
         * (-s, -ed, -ing) match too. {@code "log in"}-style phrases known to the guard are accepted.
         */
        public Builder actionPair(String action, String opposite) {
            requireWord("actionPair.action", action);
            requireWord("actionPair.opposite", opposite);
            if (action.trim().equalsIgnoreCase(opposite.trim())) {
                throw new IllegalArgumentException("actionPair needs two different words, was \"" + action
                        + "\" twice");
            }
            actionPairs.add(pair(action, opposite));
            return this;
        }

        /** Removes the built-in term groups (months, platforms, ...); groups added later stay. */
        public Builder clearTermGroups() {
            termGroups.clear();
            return this;
        }

        /**
         * Adds a group of terms that must not stand in for one another, such as {@code "iphone|ios", "android"}:
         * each argument is one alternative, its synonyms separated by {@code |}; a synonym may have several words
         * ({@code "apple pay"}). Matching is case-insensitive on whole words.
         *
         * @throws IllegalArgumentException when fewer than two alternatives are given, or one is blank
         */
        public Builder termGroup(String... alternatives) {
            if (alternatives == null || alternatives.length < 2) {
                throw new IllegalArgumentException("termGroup needs at least two alternatives, was "
                        + (alternatives == null ? 0 : alternatives.length)
                        + "; e.g. termGroup(\"iphone|ios\", \"android\")");
            }
            List<String> group = new ArrayList<>();
            for (String a : alternatives) {
                requireWord("termGroup alternative", a);
                for (String s : a.split("\\|")) {
                    if (words(s).isEmpty()) {
                        throw new IllegalArgumentException("termGroup alternative \"" + a
                                + "\" has an empty synonym; separate synonyms with a single |");
                    }
                }
                group.add(a.toLowerCase(Locale.ROOT));
            }
            termGroups.add(List.copyOf(group));
            return this;
        }

        /** An immutable guard with this configuration. */
        public LexicalGuards build() {
            return new LexicalGuards(this);
        }

        private static void requireWord(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must be a non-blank word, was "
                        + (value == null ? "null" : "\"" + value + "\""));
            }
        }
    }
}
