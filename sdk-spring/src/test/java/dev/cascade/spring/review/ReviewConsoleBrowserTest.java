package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewDecision;
import dev.cascade.api.StepKind;
import dev.cascade.api.Usage;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.ReviewAttempt;
import dev.cascade.review.ReviewCodec;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStore;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * The reviewer console in a real headless Chromium against the real app on embedded Tomcat: a chain's models fail or
 * are refused (one answers with HTML and script), the input goes to human review, a reviewer signs in through the
 * login form, claims the item, edits the answer and approves it, and the waiting caller gets the edited answer. Along
 * the way the hostile model answer must be shown as text and never run.
 */
@SpringBootTest(classes = ReviewWebTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "cascade.review.web.jaeger-base-url=http://localhost:16686")
class ReviewConsoleBrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String INSTALL = "apt-get install -y chromium chromium-driver";

    static final String HOSTILE_ANSWER = "Refund approved.<script>window.__pwned=1</script>"
            + "<img src=x onerror=\"window.__pwned=2\">";
    static final String HOSTILE_INPUT = "Ticket 7: <img src=x onerror=\"window.__pwned=3\"> refund my order";
    static final String EDITED_ANSWER = "Your refund for order 7 is on its way.";

    @LocalServerPort
    private int port;

    @Autowired
    private ReviewStore store;

    @TempDir
    private Path profile;

    private WebDriver driver;
    private DurableReviewQueue<String, String> queue;
    private OpenTelemetrySdk otel;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.quit();
        }
        if (queue != null) {
            queue.close();
        }
        if (otel != null) {
            otel.close();
        }
    }

    @Test
    void aReviewerEditsAndApprovesInTheConsoleAndTheCallerGetsTheEditedAnswerWithoutRunningModelMarkup()
            throws Exception {
        // The caller's side: the primary model is down, the cheap one answers with markup the accept gate refuses.
        queue = DurableReviewQueue.builder(store, ReviewCodec.strings(), ReviewCodec.strings()).build();
        // An SDK with a span processor, so the execution's root span is real and the item carries its traceparent.
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()).build();
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(t -> ModelRequest.of("Answer the support ticket.", t))
                .parse(ModelResponse::text)
                .model("advanced", model("gpt-big", null), s -> s.retry(r -> r.maxAttempts(1)))
                .model("cheap", model("gpt-small", HOSTILE_ANSWER), s -> s.retry(r -> r.maxAttempts(1)))
                .accept(answer -> !answer.contains("<"))
                .humanReview("support-desk", queue)
                .openTelemetry(otel)
                .build();
        Outcome<String> outcome = chain.execute(HOSTILE_INPUT);
        assertThat(outcome.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
        String itemId = outcome.pendingReview().orElseThrow().id();
        CompletableFuture<ReviewDecision<String>> decision = outcome.pendingReview().orElseThrow().decision();
        assertThat(decision).isNotDone();
        ReviewItem submitted = store.find(itemId).orElseThrow();
        assertThat(submitted.traceId()).matches("[0-9a-f]{32}");

        driver = chromium();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));

        // Sign in through the application's login form; the saved request brings the reviewer to the console.
        driver.get("http://localhost:" + port + "/cascade/review");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys("alice-pw");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/cascade/review/console/index.html"));
        wait.until(ExpectedConditions.textToBe(By.id("reviewer"), "Signed in as alice"));

        // The queue shows the item; open it.
        By row = By.cssSelector("#queue tbody tr[data-id='" + itemId + "']");
        wait.until(ExpectedConditions.presenceOfElementLocated(row)).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "PENDING"));
        assertThat(driver.findElement(By.id("detail-input")).getText()).isEqualTo(HOSTILE_INPUT);
        List<WebElement> answers = driver.findElements(By.cssSelector("#detail-attempts .attempt-answer"));
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).getText()).isEqualTo(HOSTILE_ANSWER);
        assertThat(driver.findElement(By.id("proposed-answer")).getText()).isEqualTo(HOSTILE_ANSWER);
        assertThat(driver.findElement(By.id("detail-attempts")).getText())
                .contains("advanced (model) attempt 1: FAILED — UNAVAILABLE")
                .contains("cheap (model) attempt 1: REJECTED — REJECTED");
        WebElement trace = driver.findElement(By.id("trace-link"));
        assertThat(trace.isDisplayed()).isTrue();
        assertThat(trace.getAttribute("href")).isEqualTo("http://localhost:16686/trace/" + submitted.traceId());

        // Claim, write the reviewer's own answer, approve it.
        driver.findElement(By.id("claim")).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "CLAIMED"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("submit-edit")));
        WebElement answer = driver.findElement(By.id("answer"));
        assertThat(answer.getDomProperty("value")).isEqualTo(HOSTILE_ANSWER);
        answer.clear();
        answer.sendKeys(EDITED_ANSWER);
        driver.findElement(By.id("submit-edit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "EDITED"));
        assertThat(driver.findElement(By.id("decided-answer")).getText()).isEqualTo(EDITED_ANSWER);

        // The caller's future completed on the deciding request, before the console could show the result.
        assertThat(decision).isDone();
        ReviewDecision<String> d = decision.getNow(null);
        assertThat(d.verdict()).isEqualTo(ReviewDecision.Verdict.EDITED);
        assertThat(d.answer()).contains(EDITED_ANSWER);
        assertThat(d.reviewer()).isEqualTo("alice");

        // The model's markup was text all along: shown, never parsed, never run.
        assertThat(driver.findElement(By.id("detail-attempts")).getText()).contains("<script>window.__pwned=1</script>");
        List<WebElement> scripts = driver.findElements(By.tagName("script"));
        assertThat(scripts).hasSize(1);
        assertThat(scripts.get(0).getDomAttribute("src")).isEqualTo("console.js");
        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(((JavascriptExecutor) driver).executeScript("return typeof window.__pwned")).isEqualTo("undefined");
    }

    @Test
    void invisibleAndDirectionChangingCharactersAreShownAsMarkers() {
        // "gnp.exe" inside a right-to-left override reads as "exe.png"; a zero-width space, a BOM and a bell hide.
        String input = "Please open invoice \u202Egnp.exe\u202C and reply\u200B\uFEFF\u0007";
        String answer = "Sure: \u2066payload\u2069 \u200F";
        ReviewAttempt rejected = new ReviewAttempt("cheap", StepKind.MODEL, 1, Attempt.Status.REJECTED,
                FailureKind.REJECTED, "the accept gate refused the answer", "gpt-test", Money.ZERO, Duration.ZERO,
                answer);
        String key = "bidi-" + UUID.randomUUID();
        ReviewItem item = store.submit(new ReviewStore.Submission("bidi", "desk", null, "exec-" + key, key, input,
                List.of(rejected), Money.ZERO, Map.of(), 0, null, null, null));

        driver = chromium();
        WebDriverWait wait = signIn();
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#queue tbody tr[data-id='" + item.id() + "']"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "PENDING"));

        assertThat(driver.findElement(By.id("detail-input")).getText()).isEqualTo(
                "Please open invoice \u27E8U+202E\u27E9gnp.exe\u27E8U+202C\u27E9 and reply"
                        + "\u27E8U+200B\u27E9\u27E8U+FEFF\u27E9\u27E8U+0007\u27E9");
        String shownAnswer = "Sure: \u27E8U+2066\u27E9payload\u27E8U+2069\u27E9 \u27E8U+200F\u27E9";
        assertThat(driver.findElement(By.cssSelector("#detail-attempts .attempt-answer")).getText())
                .isEqualTo(shownAnswer);
        assertThat(driver.findElement(By.id("proposed-answer")).getText()).isEqualTo(shownAnswer);
        // What the browser lays out holds none of them (textContent, not just what Selenium reports).
        Object raw = ((JavascriptExecutor) driver).executeScript("return document.getElementById('detail-input')"
                + ".textContent + document.getElementById('proposed-answer').textContent");
        assertThat((String) raw).doesNotContain("\u202E", "\u202C", "\u200B", "\uFEFF", "\u0007", "\u2066",
                "\u200F");
        assertThat(driver.findElement(By.id("message")).getText()).contains("invisible or direction-changing");
        // The answer box keeps the exact text, so approving it approves what the model said.
        assertThat(driver.findElement(By.id("answer")).getDomProperty("value")).isEqualTo(answer);
    }

    private WebDriverWait signIn() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        driver.get("http://localhost:" + port + "/cascade/review");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys("alice-pw");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/cascade/review/console/index.html"));
        wait.until(ExpectedConditions.textToBe(By.id("reviewer"), "Signed in as alice"));
        return wait;
    }

    private WebDriver chromium() {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("The console's browser test needs Debian's Chromium and its driver at "
                    + CHROMIUM + " and " + CHROMEDRIVER + "; install them with: " + INSTALL);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath());
        // The driver is given explicitly, so Selenium Manager has nothing to look up or download.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static ModelClient model(String name, String answer) {
        return new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) throws ModelCallException {
                if (answer == null) {
                    throw new ModelCallException(FailureKind.UNAVAILABLE, name + " answers 503");
                }
                return new ModelResponse(answer, Usage.of(120, 30), "stop", name);
            }

            @Override
            public String provider() {
                return "openai";
            }

            @Override
            public String model() {
                return name;
            }
        };
    }
}
