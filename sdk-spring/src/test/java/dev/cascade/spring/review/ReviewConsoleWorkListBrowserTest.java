package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.api.StepKind;
import dev.cascade.review.ReviewAttempt;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewPolicy;
import dev.cascade.review.ReviewSearch;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;

/**
 * The console as a work list, in real headless Chromium against the real app (embedded Tomcat, Spring Security):
 * a reviewer works through hundreds of items with the keyboard only; another reviewer's claim shows up without a
 * reload; overdue items lead; hostile text in every field stays text; the layout holds at 1280x720, 1400 and
 * 1920x1080 (screenshots under target/screenshots/); axe-core finds no serious or critical accessibility problem;
 * the stats view and sign-out work. Each test filters the console to its own chain (the store is shared).
 */
@SpringBootTest(classes = ReviewWebTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "cascade.review.web.poll-interval=1s")
class ReviewConsoleWorkListBrowserTest {

    static final int KEYBOARD_ITEMS = Integer.getInteger("cascade.test.keyboardItems", 300);
    static final String XSS = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";

    @LocalServerPort
    private int port;

    @Autowired
    private ReviewStore store;

    @TempDir
    private Path profile;

    private WebDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    private static String chain(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ReviewItem submit(String chain, String input, int priority, Instant dueAt) {
        String key = "k-" + UUID.randomUUID();
        ReviewAttempt failed = new ReviewAttempt("advanced", StepKind.MODEL, 1, Attempt.Status.FAILED,
                FailureKind.UNAVAILABLE, "HTTP 503 from provider: {\"error\":{\"message\":\"overloaded\",\"type\":"
                + "\"server_error\"}} " + "trace ".repeat(80), null, Money.ZERO, Duration.ofMillis(900), null);
        ReviewAttempt rejected = new ReviewAttempt("cheap", StepKind.MODEL, 1, Attempt.Status.REJECTED,
                FailureKind.REJECTED, "the accept gate refused the answer", "gpt-small", Money.usd("0.0004"),
                Duration.ofMillis(300), "Proposed answer for: " + input);
        return store.submit(new ReviewStore.Submission(chain, "desk", "acme", "exec-" + key, key, input,
                List.of(failed, rejected), Money.usd("0.0004"), Map.of(), priority, dueAt,
                ReviewPolicy.Breach.ESCALATE, null));
    }

    private void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private void ctrl(CharSequence key) {
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys(key).keyUp(Keys.CONTROL).perform();
    }

    @Test
    void aReviewerWorksThroughHundredsOfItemsWithTheKeyboardOnly() {
        String chain = chain("kbd");
        for (int i = 0; i < KEYBOARD_ITEMS; i++) {
            submit(chain, "Ticket " + i + ": where is my order?", 0, null);
        }
        driver = ConsoleBrowser.chromium(profile, 1280, 720);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        wait.until(ExpectedConditions.textMatches(By.id("page-info"), java.util.regex.Pattern.compile(
                ".* of " + String.format("%,d", KEYBOARD_ITEMS) + " matching")));
        String previous = "";
        int edited = 0;
        int rejected = 0;
        for (int i = 0; i < KEYBOARD_ITEMS; i++) {
            keys("n");
            String before = previous;
            wait.until(d -> {
                String title = d.findElement(By.id("detail-title")).getText();
                return !title.equals(before) && "CLAIMED".equals(d.findElement(By.id("detail-state")).getText())
                        && d.findElement(By.id("approve")).isEnabled();
            });
            previous = driver.findElement(By.id("detail-title")).getText();
            String expected;
            if (i % 7 == 3) {
                keys("e");
                ctrl("a");
                keys("Our answer " + i);
                ctrl(Keys.ENTER);
                expected = "EDITED";
                edited++;
            } else if (i % 11 == 5) {
                keys("r");
                keys("not a support question");
                ctrl(Keys.ENTER);
                expected = "REJECTED";
                rejected++;
            } else {
                keys("a");
                expected = "APPROVED";
            }
            wait.until(ExpectedConditions.textToBe(By.id("detail-state"), expected));
            keys(Keys.ESCAPE); // leave the answer or comment box, as a reviewer would before the next "n"
        }
        assertThat(store.page(ReviewSearch.open().withChain(chain)).items()).isEmpty();
        var counts = store.countByState(ReviewSearch.all().withChain(chain));
        assertThat(counts).containsEntry(ReviewState.EDITED, (long) edited)
                .containsEntry(ReviewState.REJECTED, (long) rejected)
                .containsEntry(ReviewState.APPROVED, (long) (KEYBOARD_ITEMS - edited - rejected));
        keys("n");
        wait.until(ExpectedConditions.textToBe(By.id("message"), "Nothing to claim."));
    }

    @Test
    void anotherReviewersClaimShowsUpWithoutAReload() {
        String chain = chain("live");
        ReviewItem item = submit(chain, "Live ticket", 0, null);
        driver = ConsoleBrowser.chromium(profile, 1280, 720);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        By row = By.cssSelector("#queue tbody tr[data-id='" + item.id() + "']");
        wait.until(ExpectedConditions.elementToBeClickable(row)).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "PENDING"));
        ((JavascriptExecutor) driver).executeScript("window.__sameDocument = true");

        store.claim(item.id(), "bob", Duration.ofMinutes(10)); // the second reviewer, on their own screen

        wait.until(ExpectedConditions.textToBe(By.cssSelector("#queue tbody tr[data-id='" + item.id() + "'] td.claimed"),
                "bob"));
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "CLAIMED"));
        wait.until(ExpectedConditions.textMatches(By.id("lease"), java.util.regex.Pattern.compile(
                "Claimed by bob: \\d+:\\d\\d left")));
        assertThat(driver.findElement(By.id("approve")).isEnabled()).isFalse();
        assertThat(((JavascriptExecutor) driver).executeScript("return window.__sameDocument")).isEqualTo(true);

        // A new item arrives while the console is open, and a count moves.
        ReviewItem late = submit(chain, "Arrived later", 0, null);
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#queue tbody tr[data-id='" + late.id() + "']")));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#counts button[data-state='PENDING']"), "Pending 1"));
    }

    @Test
    void overdueItemsLeadTheListAndStandOut() {
        String chain = chain("due");
        Instant now = Instant.now();
        ReviewItem later = submit(chain, "Due in two hours", 5, now.plus(Duration.ofHours(2)));
        ReviewItem none = submit(chain, "No SLA at all", 9, null);
        ReviewItem overdue = submit(chain, "Was due ten minutes ago", 0, now.minus(Duration.ofMinutes(10)));
        ReviewItem overdueMore = submit(chain, "Was due an hour ago", 0, now.minus(Duration.ofHours(1)));
        driver = ConsoleBrowser.chromium(profile, 1400, 900);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#queue tbody tr"), 4));
        List<WebElement> rows = driver.findElements(By.cssSelector("#queue tbody tr"));
        List<String> order = new ArrayList<>();
        rows.forEach(r -> order.add(r.getDomAttribute("data-id")));
        assertThat(order).containsExactly(overdueMore.id(), overdue.id(), later.id(), none.id());
        assertThat(rows.get(0).getDomAttribute("class")).contains("overdue");
        assertThat(rows.get(1).getDomAttribute("class")).contains("overdue");
        assertThat(rows.get(2).getDomAttribute("class")).doesNotContain("overdue");
        assertThat(rows.get(0).findElement(By.cssSelector("td.due")).getText()).startsWith("overdue 1h");
        assertThat(rows.get(2).findElement(By.cssSelector("td.due")).getText()).matches("in 1h 5\\dm|in 2h 00m");
        assertThat(rows.get(0).findElement(By.cssSelector("td.item .preview")).getText()).isEqualTo("Was due an hour ago");
        assertThat(rows.get(0).findElement(By.cssSelector("td.age")).getText()).matches("\\d+s|\\d+m");

        // Sorting by priority puts the highest first; the item with no SLA has the highest.
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("filter-sort"))).selectByValue("QUEUE");
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#queue tbody tr:first-child"), "data-id",
                none.id()));
    }

    @Test
    void hostileTextInEveryFieldStaysText() {
        String chain = "chain" + XSS + UUID.randomUUID().toString().substring(0, 6);
        String key = "xss-" + UUID.randomUUID();
        ReviewAttempt attempt = new ReviewAttempt("step" + XSS, StepKind.MODEL, 1, Attempt.Status.REJECTED,
                FailureKind.REJECTED, "reason" + XSS, "model" + XSS, Money.ZERO, Duration.ZERO, "answer" + XSS);
        ReviewItem item = store.submit(new ReviewStore.Submission(chain, "desk" + XSS, "tenant" + XSS,
                "exec" + XSS, key, "input" + XSS, List.of(attempt), Money.ZERO, Map.of(), 0,
                Instant.now().minusSeconds(60), null, null));
        String reviewer = "mallory" + XSS;
        ReviewItem claimed = store.claim(item.id(), reviewer, Duration.ofMinutes(10));
        store.release(item.id(), reviewer);
        ReviewItem again = store.claim(item.id(), reviewer, Duration.ofMinutes(10));
        store.decide(new ReviewStore.Decide(item.id(), reviewer, again.version(), again.payloadHash(),
                Verdict.EDITED, "decided" + XSS, "comment" + XSS));
        assertThat(claimed.claimedBy()).isEqualTo(reviewer);

        driver = ConsoleBrowser.chromium(profile, 1400, 900);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "state=&sort=NEWEST");
        By row = By.cssSelector("#queue tbody tr[data-id='" + item.id() + "']");
        wait.until(ExpectedConditions.elementToBeClickable(row)).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "EDITED"));
        driver.findElement(By.id("attempts-summary")).click();
        driver.findElement(By.cssSelector("#meta-panel summary")).click();
        driver.findElement(By.id("audit-summary")).click();
        String page = driver.findElement(By.tagName("body")).getText();
        for (String field : List.of("chain", "desk", "tenant", "input", "step", "reason", "model", "decided",
                "comment", "mallory")) {
            assertThat(page).as(field).contains(field + XSS.substring(0, 20));
        }
        assertThat(driver.findElement(row).findElement(By.cssSelector("td.item .tenant")).getDomProperty("textContent"))
                .isEqualTo("tenant" + XSS);
        keys("s");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stats")));
        assertThat(driver.findElement(By.id("stats")).getText()).contains("mallory" + XSS);
        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(driver.findElements(By.tagName("script"))).hasSize(1);
        assertThat(((JavascriptExecutor) driver).executeScript("return typeof window.__pwned")).isEqualTo("undefined");
    }

    @Test
    void theLayoutHoldsAtCommonScreenSizesWithNoSeriousAccessibilityProblem() throws Exception {
        String chain = chain("layout");
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            submit(chain, "Customer " + i + " writes: the parcel arrived damaged and I would like a replacement"
                    + " or a refund, whichever is faster. Order AB-" + (1000 + i) + ".", i % 3,
                    i % 4 == 0 ? null : now.plus(Duration.ofMinutes(i * 17L - 60)));
        }
        store.claim(store.page(ReviewSearch.open().withChain(chain)).items().get(3).id(), "bob-the-long-named-reviewer",
                Duration.ofMinutes(10));
        driver = ConsoleBrowser.chromium(profile, 1280, 720);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        keys("n");
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "CLAIMED"));
        wait.until(ExpectedConditions.textMatches(By.id("lease"), java.util.regex.Pattern.compile(
                "Your claim: \\d+:\\d\\d left")));
        JavascriptExecutor js = (JavascriptExecutor) driver;

        // 1280x720: every decision control is on screen without scrolling.
        for (String id : List.of("answer", "comment", "approve", "submit-edit", "reject", "release")) {
            Number bottom = (Number) js.executeScript("var r = document.getElementById(arguments[0])"
                    + ".getBoundingClientRect(); return r.bottom;", id);
            Number height = (Number) js.executeScript("return window.innerHeight");
            assertThat(bottom.doubleValue()).as(id + " bottom at 1280x720").isLessThanOrEqualTo(height.doubleValue());
        }
        assertThat((Number) js.executeScript("return document.scrollingElement.scrollHeight"
                + " - window.innerHeight")).as("no page scroll").isEqualTo(0L);
        assertThat(driver.findElement(By.id("shortcuts")).isDisplayed()).isTrue();
        ConsoleBrowser.screenshot(driver, "console-1280x720");

        // 1400 wide: no column of the queue is cut off, and due times stay on one line.
        ConsoleBrowser.viewport(driver, 1400, 900);
        assertNothingCut(js);
        ConsoleBrowser.viewport(driver, 1920, 1080);
        assertNothingCut(js);
        ConsoleBrowser.screenshot(driver, "console-1920x1080");
        assertThat(Files.size(ConsoleBrowser.SCREENSHOTS.resolve("console-1920x1080.png"))).isGreaterThan(10_000);

        assertThat(ConsoleBrowser.seriousAccessibilityViolations(driver)).as("axe-core, queue and item").isEmpty();
        keys(Keys.ESCAPE, "s");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stats")));
        ConsoleBrowser.screenshot(driver, "console-stats-1920x1080");
        assertThat(ConsoleBrowser.seriousAccessibilityViolations(driver)).as("axe-core, stats").isEmpty();
    }

    private static void assertNothingCut(JavascriptExecutor js) {
        Object overflow = js.executeScript("var w = document.querySelector('.table-wrap');"
                + "return w.scrollWidth - w.clientWidth;");
        assertThat((Number) overflow).as("horizontal overflow of the queue").isEqualTo(0L);
        Object claimedRight = js.executeScript("var th = document.querySelector('#queue thead th:last-child')"
                + ".getBoundingClientRect(); var w = document.querySelector('.table-wrap').getBoundingClientRect();"
                + "return th.right <= w.right + 0.5 && th.width > 40;");
        assertThat(claimedRight).as("'Claimed by' column fully inside the queue").isEqualTo(true);
        Object oneLine = js.executeScript("var cells = document.querySelectorAll('#queue td.due');"
                + "for (var i = 0; i < cells.length; i++) { if (cells[i].scrollWidth > cells[i].clientWidth + 1"
                + " || cells[i].getClientRects().length !== 1) return cells[i].textContent; } return 'ok';");
        assertThat(oneLine).as("due times fit their column on one line").isEqualTo("ok");
    }

    @Test
    void theStatsViewShowsWhatWasDecidedAndSignOutEndsTheSession() {
        String chain = chain("stats");
        ReviewItem item = submit(chain, "Decide me", 0, null);
        ReviewItem c = store.claim(item.id(), "alice", Duration.ofMinutes(5));
        store.decide(new ReviewStore.Decide(item.id(), "alice", c.version(), c.payloadHash(), Verdict.EDITED,
                "mine", null));
        driver = ConsoleBrowser.chromium(profile, 1280, 720);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        driver.findElement(By.id("stats-toggle")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stats-chains")));
        WebElement chainRow = driver.findElements(By.cssSelector("#stats-chains tbody tr")).stream()
                .filter(r -> r.getText().startsWith(chain)).findFirst().orElseThrow();
        assertThat(chainRow.findElements(By.tagName("td")).get(1).getText()).isEqualTo("1");
        assertThat(chainRow.findElements(By.tagName("td")).get(5).getText()).isEqualTo("100%"); // edited share
        driver.findElement(By.id("stats-close")).click();

        driver.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        driver.get("http://localhost:" + port + "/cascade/review/api/session");
        assertThat(driver.getPageSource()).doesNotContain("alice");
    }
}
