package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.libraryevents.localcloud.LocalCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's chromium, headless, driven through its chromedriver by Selenium. A
 * consumer broken by its configuration sends a user's events to its DLQ, which the console shows live; with the
 * consumer fixed, Redrive drains it, and the trace of the request shows the effect. An event body with markup in it
 * is shown as text. Screenshots go to {@code docs/console-*.png} for the docs (operations.md).
 *
 * <p>Without chromium and chromedriver the test is skipped, unless {@code CONSOLE_BROWSER_REQUIRED=true} (CI, which
 * installs them) makes that a failure.
 */
class ConsoleIT {

    @RegisterExtension
    static final RunningLocalCloud CLOUD = RunningLocalCloud.withQueueVisibility(Duration.ofSeconds(3));

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static LocalCloud cloud;
    private static Deployment deployment;
    private static WebDriver browser;

    @BeforeAll
    static void startTheBrowser() throws Exception {
        boolean installed = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if (!"true".equals(System.getenv("CONSOLE_BROWSER_REQUIRED"))) {
            assumeTrue(installed, "no chromium and chromedriver (apt-get install chromium chromium-driver)");
        }
        cloud = CLOUD.cloud();
        deployment = CLOUD.deployment();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900");
        // The driver named here, so that Selenium Manager does not go looking for one on the network.
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build(), options);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldShowFailedEventsInTheDlq_redriveThemOnceFixed_andTraceTheirEffect() throws Exception {
        String consumer = deployment.function("AuditConsumerFunction");
        String deadLetters = name(deployment.queue("AuditConsumerDeadLetters"));
        String table = deployment.variable(consumer, "TABLE_NAME");
        String correlationId = "console-" + UUID.randomUUID();
        browser.get(cloud.consoleUrl().toString());
        WebDriverWait wait = waiting(deployment.patience(deployment.queue("AuditConsumerQueue")));
        try {
            deployment.variable(consumer, "TABLE_NAME", "no-such-table");
            deployment.api.registerUser(correlationId);

            // Live: the DLQ's row turns non-empty without a reload; its messages name the request.
            wait.until(page -> !text(row(deadLetters), "td.visible").equals("0"));
            wait.until(page -> {
                row(deadLetters).findElement(By.cssSelector("button.messages")).click();
                return browser.findElement(By.id("queue-messages")).getText().contains(correlationId);
            });
            assertThat(browser.findElement(By.id("queue-messages")).getText()).contains("UserRegistered");
            screenshot("console-dead-letters.png");
        } finally {
            deployment.variable(consumer, "TABLE_NAME", table);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> deployment.depth(deployment.queue("AuditConsumerQueue")) == 0);

        wait.until(page -> {
            row(deadLetters).findElement(By.cssSelector("button.redrive")).click();
            return true;
        });

        wait.until(page -> text(row(deadLetters), "td.visible").equals("0"));
        tab("trace");
        browser.findElement(By.id("trace-id")).sendKeys(correlationId);
        wait.until(page -> {
            browser.findElement(By.id("trace-button")).click();
            return eventTypes().containsAll(List.of("UserRegistered", "NotificationSent", "AuditLogged"));
        });
        screenshot("console-trace.png");
    }

    @Test
    void shouldShowTheFunctions_theBus_aTable_andTheFunctionsMetrics() throws Exception {
        String correlationId = "console-tabs-" + UUID.randomUUID();
        String userId = deployment.api.registerUser(correlationId);
        // A book whose one copy is out, and a member in its queue: the Tables tab shows the queue by the book's key.
        String bookId = deployment.api.post("/books", "{\"title\":\"Roadside Picnic\",\"author\":\"Strugatsky\"}",
                correlationId).id("bookId");
        deployment.api.borrow(deployment.api.registerUser(correlationId), bookId, correlationId);
        String holdId = deployment.api.post("/holds", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId
                + "\"}", correlationId).id("holdId");
        browser.get(cloud.consoleUrl().toString());
        WebDriverWait wait = waiting(Duration.ofSeconds(60));

        tab("functions");
        wait.until(page -> browser.findElement(By.id("function-list")).getText().contains("LibraryApi"));
        WebElement libraryApi = browser.findElement(By.cssSelector("tr[data-function^='LibraryApi']"));
        assertThat(Long.parseLong(libraryApi.findElements(By.tagName("td")).get(1).getText())).isPositive();
        libraryApi.findElement(By.tagName("button")).click();
        wait.until(page -> browser.findElement(By.cssSelector("#function-logs h3")).getText().contains("LibraryApi"));

        wait.until(page -> {
            tab("bus");
            String bus = browser.findElement(By.id("bus-list")).getText();
            return bus.contains(correlationId) && bus.contains("UserRegistered") && bus.contains("AuditConsumerRule");
        });

        tab("tables");
        wait.until(page -> !browser.findElements(By.cssSelector("#table-name option")).isEmpty());
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("table-name")))
                .selectByVisibleText(deployment.physicalId("AWS::DynamoDB::Table", "LibraryTable"));
        browser.findElement(By.cssSelector("#table-form input[name='prefix']")).sendKeys("USER#" + userId);
        browser.findElement(By.cssSelector("#table-form button")).click();
        wait.until(page -> browser.findElement(By.id("table-items")).getText().contains("USER#" + userId));
        WebElement prefix = browser.findElement(By.cssSelector("#table-form input[name='prefix']"));
        prefix.clear();
        prefix.sendKeys("BOOK#" + bookId);
        browser.findElement(By.cssSelector("#table-form button")).click();
        wait.until(page -> {
            String items = browser.findElement(By.id("table-items")).getText();
            return items.contains("QUEUE#000000000001") && items.contains(holdId) && items.contains("PLACED");
        });

        wait.until(page -> { // the consumers write their EMF lines as they take the events in
            tab("metrics");
            return browser.findElement(By.id("metric-charts")).getText().contains("EventsConsumed (audit, UserRegistered)");
        });
        screenshot("console-metrics.png");
    }

    @Test
    void shouldShowAnEventBodyWithMarkup_asText() {
        String deadLetters = deployment.queue("NotificationConsumerDeadLetters");
        String hostile = "{\"detail\":{\"eventType\":\"<img src=x onerror=alert(1)>\",\"note\":\"<b>bold</b>\"}}";
        deployment.sqs.sendMessage(r -> r.queueUrl(deadLetters).messageBody(hostile));
        browser.get(cloud.consoleUrl().toString());
        WebDriverWait wait = waiting(Duration.ofSeconds(30));

        wait.until(page -> {
            row(name(deadLetters)).findElement(By.cssSelector("button.messages")).click();
            return browser.findElement(By.id("queue-messages")).getText().contains("<b>bold</b>");
        });

        assertThat(browser.findElements(By.cssSelector("#queue-messages img, #queue-messages b"))).isEmpty();
        assertThat(browser.findElement(By.id("queue-messages")).getText()).contains("<img src=x onerror=alert(1)>");
    }

    /** The queue table is redrawn every 2 s: an element found just before may be gone, and is looked up again. */
    private static WebDriverWait waiting(Duration atMost) {
        WebDriverWait wait = new WebDriverWait(browser, atMost);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static void tab(String name) {
        browser.findElement(By.cssSelector("#tabs button[data-tab='" + name + "']")).click();
    }

    private static WebElement row(String queueName) {
        return browser.findElement(By.cssSelector("tr[data-queue='" + queueName + "']"));
    }

    private static String text(WebElement element, String css) {
        return element.findElement(By.cssSelector(css)).getText();
    }

    private static List<String> eventTypes() {
        return browser.findElements(By.cssSelector("#trace-result tr[data-event-type]")).stream()
                .map(row -> row.getAttribute("data-event-type")).toList();
    }

    private static String name(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private static void screenshot(String file) throws Exception {
        Path docs = Stack.repositoryRoot().resolve("docs");
        Files.write(docs.resolve(file), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
