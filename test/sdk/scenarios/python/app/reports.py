"""Messages of the message scenario, each kind sent from its own function so that grouping by
stack and grouping by message text expect the same groups."""
import logging

import sentry_sdk


def report_payment_failure(payment_id, payment_uuid):
    sentry_sdk.capture_message(f"payment {payment_id} failed for {payment_uuid}", level="error")


def report_shipment_failure(order_id, warehouse):
    logging.getLogger("app.orders").error("order %s shipped to warehouse %s failed", order_id, warehouse)
