package dev.cascade.spring.review;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the console's browser tests share: Debian's headless Chromium through its chromedriver, signing in through
 * the application's login form, screenshots under {@code target/screenshots/}, and axe-core (the accessibility
 * engine, from npm: fetched once into {@code target/axe-core/} by {@code npm pack}, as no WebJar of it resolves from
 * Maven Central here) run inside the page.
 */
final class ConsoleBrowser {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String INSTALL = "apt-get install -y chromium chromium-driver";
    static final String AXE_VERSION = "4.10.2";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path AXE_DIR = Path.of("target", "axe-core");

    private ConsoleBrowser() {
    }

    static WebDriver chromium(Path profile, int width, int height) {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("The console's browser tests need Debian's Chromium and its driver at "
                    + CHROMIUM + " and " + CHROMEDRIVER + "; install them with: " + INSTALL);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        viewport(driver, width, height);
        return driver;
    }

    /** Sets the page's viewport (not the window's outer size) to exactly width x height CSS pixels. */
    static void viewport(WebDriver driver, int width, int height) {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
                "height", height, "deviceScaleFactor", 1, "mobile", false));
        driver.manage().window().setSize(new Dimension(width, height + 200));
    }

    /** Signs in through the login form and waits for the console to be ready; the console opens at {@code query}. */
    static WebDriverWait signIn(WebDriver driver, int port, String user, String password, String query) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(100));
        driver.get("http://localhost:" + port + "/cascade/review");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/cascade/review/console/index.html"));
        if (query != null) {
            driver.get("http://localhost:" + port + "/cascade/review/console/index.html?" + query);
        }
        wait.until(ExpectedConditions.textToBe(By.id("reviewer"), "Signed in as " + user));
        wait.until(ExpectedConditions.textMatches(By.id("page-info"), java.util.regex.Pattern.compile("Page 1.*")));
        return wait;
    }

    static Path screenshot(WebDriver driver, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /**
     * Runs axe-core on the page and returns its serious and critical violations, each as "rule: nodes" text.
     */
    @SuppressWarnings("unchecked")
    static List<String> seriousAccessibilityViolations(WebDriver driver) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        // The console's CSP forbids injected script elements but not a script run through the driver (a CDP call).
        js.executeScript(axeSource());
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        Object result = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                + "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                + "    .map(function (v) { return v.id + ' (' + v.impact + '): ' + v.help + ' at '"
                + "      + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }));"
                + "}, function (e) { done(['axe failed: ' + e]); });");
        return new ArrayList<>((List<String>) result);
    }

    /** axe.min.js from the npm package, fetched into target/axe-core/ on first use. */
    static synchronized String axeSource() throws IOException, InterruptedException {
        Path js = AXE_DIR.resolve("package").resolve("axe.min.js");
        if (!Files.isRegularFile(js)) {
            Files.createDirectories(AXE_DIR);
            run(AXE_DIR, "npm", "pack", "axe-core@" + AXE_VERSION, "--silent");
            run(AXE_DIR, "tar", "xzf", "axe-core-" + AXE_VERSION + ".tgz");
        }
        if (!Files.isRegularFile(js)) {
            throw new IllegalStateException("axe-core " + AXE_VERSION + " is missing at " + js.toAbsolutePath()
                    + ": the accessibility check fetches it with 'npm pack axe-core@" + AXE_VERSION + "' (needs npm"
                    + " and the npm registry); or unpack that package there by hand");
        }
        return Files.readString(js, StandardCharsets.UTF_8);
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("fetch.log").toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 180 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "); see "
                    + dir.resolve("fetch.log").toAbsolutePath());
        }
    }
}
