package dev.cascade.examples.roi;

import dev.cascade.eval.EvalJson;
import dev.cascade.eval.RoiReportWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's {@code roi.html} in real headless Chromium (Debian's, through its chromedriver, as the reviewer console's
 * browser tests use): the headline and key figures on the page are the ones in {@code roi.json}, every chart is an SVG
 * with drawn marks and a size, the page logs no console message of level warning or worse and loads nothing (every
 * request would go to a dead proxy; the Resource Timing list must stay empty). A full-page screenshot is kept as
 * {@code target/screenshots/roi-report.png}.
 */
class RoiReportBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path OUT = Path.of("target", "roi-browser");
    static final Path SCREENSHOT = Path.of("target", "screenshots", "roi-report.png");

    private static ChromeDriver driver;
    private static JsonNode json;

    @BeforeAll
    static void openTheReport() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("the ROI report's browser check needs Debian's Chromium and its driver at "
                    + CHROMIUM + " and " + CHROMEDRIVER + "; install them with: apt-get install -y chromium"
                    + " chromium-driver (scripts/test-all.sh does)");
        }
        RoiDemo.run(RoiDemo.dataset(), 1, RoiDemo.RUNS, OUT);
        json = EvalJson.mapper().readTree(Files.readString(OUT.resolve(RoiReportWriter.JSON)));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // Any request the page made would go to a proxy that is not there (port 9, discard) and fail.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1280,900",
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--user-data-dir=" + Files.createTempDirectory("roi-chromium").toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build(), options);
        driver.get(OUT.resolve(RoiReportWriter.HTML).toAbsolutePath().toUri().toString());
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void theHeadlineAndKeyFiguresAreTheJsonsFigures() {
        assertThat(driver.getTitle()).isEqualTo(json.path("title").asString());
        assertThat(driver.findElement(By.id("headline")).getText()).isEqualTo(json.path("headline").asString());
        Map<String, String> sides = Map.of("Cost per transaction", "costPerTransaction", "Accuracy", "accuracy",
                "Answered without people", "answeredShare", "Manual intervention", "manualShare");
        List<WebElement> kpis = driver.findElements(By.cssSelector(".kpi"));
        assertThat(kpis).hasSizeGreaterThanOrEqualTo(sides.size());
        int checked = 0;
        for (WebElement kpi : kpis) {
            String field = sides.get(kpi.findElement(By.cssSelector(".label")).getText());
            if (field == null) {
                continue;
            }
            for (String side : List.of("before", "after")) {
                String shown = kpi.findElement(By.cssSelector("." + side)).getText();
                BigDecimal expected = json.path(side).path(field).decimalValue();
                assertThat(number(shown)).as("%s %s shown as '%s'", side, field, shown)
                        .isEqualByComparingTo(field.equals("costPerTransaction") ? expected
                                : expected.movePointRight(2).setScale(1, java.math.RoundingMode.HALF_UP));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(sides.size());
        String page = driver.findElement(By.tagName("body")).getText();
        assertThat(page).contains(json.path("monthlySavings").decimalValue().setScale(2).toPlainString());
        assertThat(page).contains("cheap-model", "rules", RoiVariants.ALWAYS_ADVANCED, RoiVariants.FULL_CHAIN);
    }

    @Test
    void everyChartIsAnSvgWithMarksAndASize() {
        List<WebElement> charts = driver.findElements(By.cssSelector("figure.chart svg"));
        // Monthly cost, savings by lever, who answered, and the trend of the five runs.
        assertThat(charts).hasSizeGreaterThanOrEqualTo(4);
        for (WebElement svg : charts) {
            assertThat(svg.getSize().getWidth()).isGreaterThan(100);
            assertThat(svg.getSize().getHeight()).isGreaterThan(20);
            List<WebElement> marks = svg.findElements(By.cssSelector("rect, path, polyline, circle, line"));
            assertThat(marks).as(svg.getAttribute("aria-label")).isNotEmpty();
        }
        // The cost bars are drawn to scale: after / before as in the JSON (monthly cost).
        List<WebElement> costBars = charts.get(0).findElements(By.cssSelector("rect"));
        double before = costBars.get(0).getSize().getWidth();
        double after = costBars.get(1).getSize().getWidth();
        assertThat(after / before).isCloseTo(json.path("after").path("monthlyCost").asDouble()
                / json.path("before").path("monthlyCost").asDouble(), org.assertj.core.api.Assertions.within(0.03));
    }

    @Test
    void noConsoleMessagesNoNetworkAndAScreenshot() throws Exception {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries).filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).isEmpty();
        JavascriptExecutor js = driver;
        assertThat((List<?>) js.executeScript("return performance.getEntriesByType('resource').map(e => e.name)"))
                .isEmpty();
        assertThat((List<?>) js.executeScript("return Array.from(document.querySelectorAll('[src],[href]'))"
                + ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
                + ".filter(u => !u.startsWith('#') && !u.startsWith('data:'))")).isEmpty();
        long height = (Long) js.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280,
                "height", (int) Math.min(height, 6000), "deviceScaleFactor", 1, "mobile", false));
        Files.createDirectories(SCREENSHOT.getParent());
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOT, png);
        assertThat(png.length).isGreaterThan(10_000);
    }

    @Test
    void theChecksCatchAPageThatFetchesAndLogs() throws Exception {
        // The same report with one external image and one console error: both checks above must see them.
        Path tampered = OUT.resolve("tampered.html");
        Files.writeString(tampered, Files.readString(OUT.resolve(RoiReportWriter.HTML)).replace("</body>",
                "<img src=\"http://example.invalid/pixel.png\" alt=\"\"><script>console.error('boom')</script></body>"));
        String report = driver.getCurrentUrl();
        try {
            driver.get(tampered.toAbsolutePath().toUri().toString());
            assertThat((List<?>) driver.executeScript("return performance.getEntriesByType('resource')"
                    + ".map(e => e.name)")).hasSize(1);
            assertThat(driver.manage().logs().get(LogType.BROWSER).getAll())
                    .anySatisfy(e -> assertThat(e.getMessage()).contains("boom"));
        } finally {
            driver.get(report);
            driver.manage().logs().get(LogType.BROWSER); // drains the tampered page's messages
        }
    }

    /** The number in a shown figure such as {@code $0.000125} or {@code 95.2%}. */
    private static BigDecimal number(String shown) {
        return new BigDecimal(shown.replaceAll("[^0-9.\\-]", ""));
    }
}
