package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.cascade.api.Money;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStore;

/**
 * The lease as the reviewer sees it, with a short real lease (8 s) and bounded polling for what the page shows
 * (no sleeps): the countdown renews while the reviewer types, warns when they stop, and lapses; the typed text
 * survives a lapse and a decision that lost a race. Polling of the server is slowed to 5 minutes here, so what the
 * page shows comes from the countdown, the renewals and the decision itself.
 */
@SpringBootTest(classes = ReviewWebTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"cascade.review.web.lease=8s", "cascade.review.web.poll-interval=5m"})
class ReviewConsoleLeaseBrowserTest {

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

    private ReviewItem submit(String chain) {
        String key = "k-" + UUID.randomUUID();
        return store.submit(new ReviewStore.Submission(chain, "desk", null, "exec-" + key, key, "Lease ticket",
                List.of(), Money.ZERO, Map.of(), 0, null, null, null));
    }

    private String leaseUntil() {
        return driver.findElement(By.id("lease")).getDomAttribute("data-until");
    }

    @Test
    void theLeaseCountsDownRenewsWhileTheReviewerTypesWarnsAndLapsesKeepingTheText() {
        String chain = "lease-" + UUID.randomUUID().toString().substring(0, 8);
        ReviewItem item = submit(chain);
        driver = ConsoleBrowser.chromium(profile, 1280, 720);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        new Actions(driver).sendKeys("n").perform();
        wait.until(ExpectedConditions.textMatches(By.id("lease"), Pattern.compile("Your claim: 0:0\\d left")));
        String first = leaseUntil();
        assertThat(store.find(item.id()).orElseThrow().leaseUntil().toString()).isEqualTo(first);

        // Active: typing in the answer box renews the lease once half of it is gone.
        WebElement answer = driver.findElement(By.id("answer"));
        answer.sendKeys("Dear customer, ");
        wait.until(d -> !first.equals(leaseUntil()));
        String renewed = leaseUntil();
        assertThat(store.find(item.id()).orElseThrow().leaseUntil().toString()).isEqualTo(renewed);
        assertThat(store.audit(item.id())).anySatisfy(e -> assertThat(e.detail()).startsWith("lease renewed"));

        // Idle: a warning, then the lapse; the text stays and deciding is off until the item is claimed again.
        wait.until(ExpectedConditions.attributeContains(By.id("lease"), "class", "warning"));
        assertThat(driver.findElement(By.id("lease")).getText()).startsWith("Your claim lapses in 0:0");
        wait.until(ExpectedConditions.attributeContains(By.id("lease"), "class", "lapsed"));
        assertThat(driver.findElement(By.id("lease")).getText()).startsWith("Your claim lapsed");
        assertThat(driver.findElement(By.id("approve")).isEnabled()).isFalse();
        assertThat(answer.getDomProperty("value")).isEqualTo("Dear customer, ");

        // Claim again (c) and send: the text typed before the lapse is what is decided.
        new Actions(driver).sendKeys(Keys.ESCAPE, "c").perform();
        wait.until(ExpectedConditions.textMatches(By.id("lease"), Pattern.compile("Your claim: 0:0\\d left")));
        answer.sendKeys("your parcel is on its way.");
        new Actions(driver).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
        wait.until(ExpectedConditions.textToBe(By.id("detail-state"), "EDITED"));
        assertThat(store.find(item.id()).orElseThrow().answer()).isEqualTo("Dear customer, your parcel is on its way.");
    }

    @Test
    void aDecisionThatLostARaceSaysSoAndKeepsTheTypedText() {
        String chain = "race-" + UUID.randomUUID().toString().substring(0, 8);
        ReviewItem item = submit(chain);
        driver = ConsoleBrowser.chromium(profile, 1280, 720);
        WebDriverWait wait = ConsoleBrowser.signIn(driver, port, "alice", "alice-pw", "chain=" + chain);
        new Actions(driver).sendKeys("n").perform();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("submit-edit")));
        WebElement answer = driver.findElement(By.id("answer"));
        answer.sendKeys(Keys.chord(Keys.CONTROL, "a"), "A careful answer that took a while");

        // Meanwhile the claim went to bob (alice's console has not polled since).
        store.release(item.id(), "alice");
        store.claim(item.id(), "bob", Duration.ofMinutes(10));

        driver.findElement(By.id("submit-edit")).click();
        wait.until(ExpectedConditions.textMatches(By.id("message"), Pattern.compile("CLAIMED_BY_OTHER: .*bob.*")));
        wait.until(ExpectedConditions.textMatches(By.id("lease"), Pattern.compile("Claimed by bob: .*")));
        assertThat(answer.getDomProperty("value")).isEqualTo("A careful answer that took a while");
        assertThat(driver.findElement(By.id("submit-edit")).isEnabled()).isFalse();
    }
}
