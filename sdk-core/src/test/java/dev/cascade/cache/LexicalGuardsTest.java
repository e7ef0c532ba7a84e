package dev.cascade.cache;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each lexical check refuses the near-misses it is for (the issue's examples among them) and lets paraphrases through.
 */
class LexicalGuardsTest {
    private static final LexicalGuards GUARDS = LexicalGuards.defaults();

    private static Optional<String> refuse(String a, String b) {
        Optional<String> ab = GUARDS.refuse(a, b);
        assertThat(GUARDS.refuse(b, a)).as("symmetric").isEqualTo(ab);
        return ab;
    }

    @Nested
    class IssueExamples {
        @Test
        void enableVersusDisableTwoFactorIsRefused() {
            assertThat(refuse("enable two-factor authentication", "disable two-factor authentication"))
                    .contains(LexicalGuards.ACTION);
        }

        @Test
        void chargedTwiceForDifferentOrdersIsRefused() {
            assertThat(refuse("I was charged twice for my order 1234", "I was charged twice for my order 5678"))
                    .contains(LexicalGuards.NUMBER);
        }

        @Test
        void passwordResetParaphraseIsAllowed() {
            assertThat(refuse("How do I reset my password?", "I forgot my password, how can I change it?"))
                    .isEmpty();
        }
    }

    @ParameterizedTest(name = "negation: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "Can I get a refund for my order? | Can I not get a refund for my order?",
            "My package arrived | My package never arrived",
            "I can log in to my account | I can't log in to my account",
            "I can log in to my account | I cannot log in to my account",
            "the app works on my phone | the app doesnt work on my phone",
            "How do I cancel my plan | How do I cancel my plan without losing my data",
            "I received the confirmation email | I have not received the confirmation email",
            "the payment went through | the payment didn’t go through",
    })
    void negationDifferenceIsRefused(String a, String b) {
        assertThat(refuse(a, b)).contains(LexicalGuards.NEGATION);
    }

    @ParameterizedTest(name = "action: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "How do I add a user to my team? | How do I remove a user from my team?",
            "How can I lock my card? | How can I unlock my card?",
            "I want to subscribe to the newsletter | I want to unsubscribe from the newsletter",
            "How do I turn on notifications? | How do I turn off notifications?",
            "Where do I log in? | Where do I log out?",
            "How do I upgrade my plan? | How do I downgrade my plan?",
            "Enabling dark mode | Disabled dark mode",
            "Can I pause my subscription? | Can I resume my subscription?",
            "how to increase my credit limit | how to decrease my credit limit",
            "I want to cancel my membership | I want to renew my membership",
            "What is the maximum order size? | What is the minimum order size?",
            "How do I turn on Bluetooth on the device? | How do I turn off Bluetooth on the device?",
            "switch the alarm off on my phone | switch the alarm on",
    })
    void oppositeActionIsRefused(String a, String b) {
        assertThat(refuse(a, b)).contains(LexicalGuards.ACTION);
    }

    @ParameterizedTest(name = "number: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "Refund of $20 | Refund of $200",
            "I ordered 3 items but got 2 | I ordered 3 items but got 1",
            "Can I return it after 30 days? | Can I return it after 60 days?",
            "my invoice from 03/05/2025 | my invoice from 04/05/2025",
            "I need two licenses | I need five licenses",
            "the 10% discount code | the 20% discount code",
            "I was charged twice | I was charged",
    })
    void numberDifferenceIsRefused(String a, String b) {
        assertThat(refuse(a, b)).contains(LexicalGuards.NUMBER);
    }

    @ParameterizedTest(name = "same number: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "Refund of $20 please | Could you refund the 20.00",
            "a fee of $1,500 | a 1500 fee",
            "Order #4471 has not shipped | order 4471 hasn't shipped",
            "delivered on March 3rd | delivered on March 3",
    })
    void sameNumberWrittenDifferentlyIsAllowed(String a, String b) {
        assertThat(refuse(a, b)).isEmpty();
    }

    @ParameterizedTest(name = "identifier: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "Where is order A-10023? | Where is order A-10024?",
            "Send the receipt to ann@example.com | Send the receipt to bob@example.com",
            "Is SKU XR-200 in stock? | Is SKU XR-300B in stock?",
            "Does it work with version 2.4.1? | Does it work with version 2.5.0?",
            "What does error E1042 mean? | What does error E2001 mean?",
            "Reset the password for ann@example.com | Reset the password",
            "Open https://example.com/a | Open https://example.com/b",
    })
    void identifierDifferenceIsRefused(String a, String b) {
        assertThat(refuse(a, b)).isIn(Optional.of(LexicalGuards.IDENTIFIER), Optional.of(LexicalGuards.NUMBER));
        assertThat(refuse(a, b)).isPresent();
    }

    @Test
    void identifiersAreCaseInsensitive() {
        assertThat(refuse("Where is order A-10023?", "where is order a-10023")).isEmpty();
        assertThat(refuse("Email ANN@Example.com the receipt", "email ann@example.com the receipt")).isEmpty();
    }

    @ParameterizedTest(name = "entity: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "Do you ship to Canada? | Do you ship to Mexico?",
            "Can I pay with Venmo? | Can I pay with Zelle?",
            "How do I connect it to Slack? | How do I connect it to Teams?",
            "What does the \"Sync now\" button do? | What does the \"Reset all\" button do?",
    })
    void entityDifferenceIsRefused(String a, String b) {
        assertThat(refuse(a, b)).contains(LexicalGuards.ENTITY);
    }

    @ParameterizedTest(name = "term: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "how do i install the app on my iphone | how do i install the app on my android",
            "is the annual plan refundable | is the monthly plan refundable",
            "i paid with paypal | i paid with a credit card",
            "my bill for january is wrong | my bill for february is wrong",
            "can i get express shipping | can i get standard shipping",
            "send the code by sms | send the code by email",
            "how do i reset my password on android | how do i reset my password",
            "do you have this jacket in medium | do you have this jacket in large",
            "is the blue version in stock | is the red version in stock",
            "do you deliver with fedex | do you deliver with dhl",
            "can i sync with google calendar | can i sync with outlook calendar",
    })
    void termGroupDifferenceIsRefused(String a, String b) {
        assertThat(refuse(a, b)).contains(LexicalGuards.TERM);
    }

    /** False refusals cost recall: paraphrases of the same question must pass every check. */
    @ParameterizedTest(name = "paraphrase: {0} | {1}")
    @CsvSource(delimiter = '|', value = {
            "How do I reset my password? | I forgot my password, how can I change it?",
            "Where is my package? | Hi, can you tell me where my parcel is?",
            "How do I cancel my subscription? | Please help me cancel my subscription",
            "Can I change my delivery address? | Is it possible to update the shipping address on my order?",
            "How do I update my credit card? | I need to change the credit card I pay with",
            "What payment methods do you accept? | Which ways can I pay?",
            "How long does a refund take? | When will I get my money back after a refund?",
            "Hello! How do I enable two-factor authentication? | How can I turn on 2FA for my account?",
            "I can't log in | I'm unable to log in",
            "My payment didn't go through | The payment was not successful",
            "Thanks! Where can I download my invoices? | Where do I find my invoices to download?",
            "Can I get a refund for order 4471? | I'd like a refund for order #4471 please",
            "How do I turn off email notifications? | Stop sending me email notifications, how do I switch them off?",
            "What is your return policy? | How does returning an item work?",
            "Why was I charged twice? | I see a double charge on my card, why?",
            "how do i change the language of the app | How do I change the app language?",
            "I was charged twice on my card | Why did you charge my card two times?",
            "Can I use the app on the train? | Does the app work on a train?",
    })
    void paraphrasesAreAllowed(String a, String b) {
        assertThat(refuse(a, b)).isEmpty();
    }

    @Test
    void reasonsNeverContainTheInputs() {
        List<String[]> pairs = List.of(
                new String[] {"refund secret-order A-9 to ann@x.io", "refund secret-order A-8 to bob@x.io"},
                new String[] {"I'm Zelda and I cannot pay", "I'm Zelda and I can pay"},
                new String[] {"ship to Wakanda", "ship to Genovia"});
        for (String[] p : pairs) {
            String reason = refuse(p[0], p[1]).orElseThrow();
            assertThat(reason).isIn(LexicalGuards.NEGATION, LexicalGuards.ACTION, LexicalGuards.NUMBER,
                    LexicalGuards.IDENTIFIER, LexicalGuards.ENTITY, LexicalGuards.TERM);
        }
    }

    @Test
    void identicalTextsAreAllowed() {
        assertThat(refuse("I can't unlock order A-1 on iPhone", "I can't unlock order A-1 on iPhone")).isEmpty();
    }

    /**
     * A chain's cache guards with {@link LexicalGuards#defaults()} unless told otherwise: with an embedding model that
     * matches everything, "disable" is still not served the answer stored for "enable".
     */
    @Test
    void theCacheUsesTheDefaultGuardsUnlessToldOtherwise() {
        assertThat(CacheSpec.builder().build().guard()).isSameAs(LexicalGuards.defaults());
        Cascade<String, String> chain = Cascade.<String, String>builder("guarded")
                .prompt(q -> ModelRequest.of("Answer.", q))
                .parse(ModelResponse::text)
                .model("m", request -> ModelResponse.of("answer to " + request.user(), Usage.of(10, 10)))
                .cache(c -> c.embeddingModel(TestEmbeddings.everythingMatches()))
                .build();
        chain.execute("How do I enable two-factor authentication?");
        Outcome<String> disable = chain.execute("How do I disable two-factor authentication?");
        assertThat(disable.cacheHit()).isEmpty();
        assertThat(disable.cacheLookup().orElseThrow().refusedBy()).isEqualTo(LexicalGuards.ACTION);
        assertThat(disable.answer()).contains("answer to How do I disable two-factor authentication?");
        Outcome<String> paraphrase = chain.execute("How can I enable two-factor authentication?");
        assertThat(paraphrase.cacheHit()).isPresent();
    }

    @Nested
    class Builder {
        @Test
        void checksCanBeSwitchedOff() {
            LexicalGuards none = LexicalGuards.builder().negation(false).actions(false).numbers(false)
                    .identifiers(false).entities(false).clearTermGroups().build();
            assertThat(none.refuse("enable 2FA for order A-1 on iPhone in Canada",
                    "never disable 2FA for order B-2 on android in Mexico 5")).isEmpty();
            assertThat(LexicalGuards.builder().actions(false).build()
                    .refuse("enable dark mode", "disable dark mode")).isEmpty();
        }

        @Test
        void userTermGroupsAndActionPairsAndNegationsAreUsed() {
            LexicalGuards g = LexicalGuards.builder()
                    .clearTermGroups()
                    .termGroup("starter kit", "pro kit|professional kit")
                    .actionPair("archive", "restore")
                    .negationWords("nope")
                    .build();
            assertThat(g.refuse("what is in the starter kit", "what is in the professional kit"))
                    .contains(LexicalGuards.TERM);
            assertThat(g.refuse("what is in the pro kit", "what is in the professional kit")).isEmpty();
            assertThat(g.refuse("how do I archive a project", "how do I restore a project"))
                    .contains(LexicalGuards.ACTION);
            assertThat(g.refuse("nope, it arrived", "it arrived")).contains(LexicalGuards.NEGATION);
            assertThat(LexicalGuards.defaults().refuse("what is in the starter kit",
                    "what is in the professional kit")).isEmpty();
        }

        @Test
        void badConfigurationNamesTheFieldAndValue() {
            assertThatThrownBy(() -> LexicalGuards.builder().termGroup("iphone"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("termGroup needs at least two alternatives, was 1");
            assertThatThrownBy(() -> LexicalGuards.builder().termGroup("iphone", " "))
                    .hasMessageContaining("termGroup alternative must be a non-blank word, was \" \"");
            assertThatThrownBy(() -> LexicalGuards.builder().termGroup("iphone||ios", "android"))
                    .hasMessageContaining("empty synonym");
            assertThatThrownBy(() -> LexicalGuards.builder().actionPair("lock", "LOCK"))
                    .hasMessageContaining("two different words");
            assertThatThrownBy(() -> LexicalGuards.builder().negationWords((String) null))
                    .hasMessageContaining("negationWords must be a non-blank word, was null");
        }
    }
}
