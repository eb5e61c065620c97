package com.example;

import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.Message;
import java.util.List;

/**
 * Messages of the message scenario, each kind sent from its own method so that grouping by stack
 * (the Java SDK attaches the thread's stack to messages) and by message text expect the same groups.
 */
public final class OrderReports {
  private OrderReports() {}

  static void reportPaymentFailure(int paymentId, String paymentUuid) {
    Sentry.captureMessage("payment " + paymentId + " failed for " + paymentUuid, SentryLevel.ERROR);
  }

  /** What the logging integrations (logback, log4j2, JUL) send: a template, its parameters and the text. */
  static void reportShipmentFailure(int orderId, String warehouse) {
    Message logEntry = new Message();
    logEntry.setMessage("order %s shipped to warehouse %s failed");
    logEntry.setParams(List.of(String.valueOf(orderId), warehouse));
    logEntry.setFormatted("order " + orderId + " shipped to warehouse " + warehouse + " failed");
    SentryEvent event = new SentryEvent();
    event.setMessage(logEntry);
    event.setLevel(SentryLevel.ERROR);
    event.setLogger("com.example.Orders");
    Sentry.captureEvent(event);
  }
}
