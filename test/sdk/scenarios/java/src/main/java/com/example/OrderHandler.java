package com.example;

import io.sentry.Sentry;

/** Entry points of the errors scenario: each captures what OrderService threw. */
public final class OrderHandler {
  private OrderHandler() {}

  static void handleOrder(int orderId) {
    try {
      OrderService.service(orderId);
    } catch (RuntimeException error) {
      Sentry.captureException(error);
    }
  }

  static void handleReservation(String sku) {
    try {
      OrderService.reserveInventory(sku);
    } catch (RuntimeException error) {
      Sentry.captureException(error);
    }
  }

  static void handleCheckout(int orderId) {
    try {
      OrderService.checkout(orderId);
    } catch (RuntimeException error) {
      Sentry.captureException(error);
    }
  }

  static void handleQuantity(String raw) {
    try {
      OrderService.parseQuantity(raw);
    } catch (RuntimeException error) {
      Sentry.captureException(error);
    }
  }
}
