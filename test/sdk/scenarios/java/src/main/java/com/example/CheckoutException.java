package com.example;

/** Wraps the cause of a failed checkout: the chained error of the scenario. */
public class CheckoutException extends RuntimeException {
  public CheckoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
