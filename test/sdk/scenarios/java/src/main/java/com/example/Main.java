package com.example;

import io.sentry.ISpan;
import io.sentry.ITransaction;
import io.sentry.Sentry;
import io.sentry.SentryLevel;

/**
 * Scenario program for the Pulse fixture recorder (test/sdk/native-scenarios.ts):
 * SENTRY_DSN=... java -cp ... com.example.Main errors|message|transaction|sessions|client-report.
 * Runs one scenario, then closes the SDK so every envelope is sent before the JVM exits.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: Main <scenario>");
    }
    Sentry.init(
        options -> {
          options.setDsn(System.getenv("SENTRY_DSN"));
          options.setRelease("pulse-fixtures@1.0.0");
          options.setEnvironment("recording");
          options.setTracesSampleRate(1.0);
          options.setShutdownTimeoutMillis(5000);
          options.setFlushTimeoutMillis(5000);
        });
    switch (args[0]) {
      case "errors" -> errors();
      case "message" -> message();
      case "transaction" -> transaction();
      case "sessions" -> sessions();
      case "client-report" -> clientReport();
      default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
    }
    Sentry.close();
  }

  private static void errors() {
    for (int orderId : new int[] {17, 42, 99}) {
      OrderHandler.handleOrder(orderId);
    }
    OrderHandler.handleReservation("sku-404");
    OrderHandler.handleCheckout(7);
    OrderHandler.handleQuantity("x");
  }

  private static void message() {
    OrderReports.reportPaymentFailure(42, "3f2a9c1e-8d4b-4c6a-9f1e-2b7d5a0c4e81");
    OrderReports.reportPaymentFailure(97, "b81d4e02-1c3f-4a5b-8e6d-7f9a0b2c3d4e");
    OrderReports.reportShipmentFailure(17, "berlin");
  }

  private static void transaction() throws InterruptedException {
    ITransaction transaction = Sentry.startTransaction("checkout", "task");
    ISpan query = transaction.startChild("db.query", "SELECT * FROM carts WHERE id = ?");
    Thread.sleep(20);
    query.finish();
    ISpan charge = transaction.startChild("http.client", "POST /charge");
    Thread.sleep(30);
    charge.finish();
    transaction.finish();
  }

  private static void sessions() {
    Sentry.startSession();
    Sentry.captureException(new IllegalStateException("handled inside a session"));
    Sentry.endSession();
  }

  private static void clientReport() {
    // The recording server answers the first envelope 429 with X-Sentry-Rate-Limits for the
    // error category; the next events are dropped client-side and reported.
    Sentry.captureMessage("rate limited 1", SentryLevel.ERROR);
    Sentry.flush(5000);
    Sentry.captureMessage("rate limited 2", SentryLevel.ERROR);
    Sentry.captureMessage("rate limited 3", SentryLevel.ERROR);
    // The error category is limited, transactions are not: the Java SDK attaches pending
    // client reports to the next envelope it sends.
    Sentry.startTransaction("after-rate-limit", "task").finish();
  }
}
