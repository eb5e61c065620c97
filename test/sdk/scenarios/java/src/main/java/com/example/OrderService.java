package com.example;

/** Order logic: parse is the one place that throws InvalidOrderException. */
public final class OrderService {
  private OrderService() {}

  static int parse(int orderId) {
    if (orderId > 0) {
      throw new InvalidOrderException("invalid order " + orderId);
    }
    return orderId;
  }

  static int service(int orderId) {
    return parse(orderId);
  }

  static void checkout(int orderId) {
    try {
      parse(orderId);
    } catch (InvalidOrderException error) {
      throw new CheckoutException("checkout of order " + orderId + " failed", error);
    }
  }

  static void reserveInventory(String sku) {
    throw new IllegalStateException("inventory service unavailable for " + sku);
  }

  static int parseQuantity(String raw) {
    return Integer.parseInt(raw);
  }
}
