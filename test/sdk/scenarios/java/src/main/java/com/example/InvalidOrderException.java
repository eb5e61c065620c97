package com.example;

/** The one error kind that OrderService.parse throws, with the order id in the message. */
public class InvalidOrderException extends IllegalArgumentException {
  public InvalidOrderException(String message) {
    super(message);
  }
}
