"""Scenario program for the Pulse fixture recorder (test/sdk/native-scenarios.ts).

Usage: SENTRY_DSN=... python run.py <errors|message|transaction|sessions|client-report>
Runs one scenario, then closes the client so every envelope (and client report) is sent.
"""
import logging
import os
import sys
import time

import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration

from app.handlers import handle_checkout, handle_order, handle_reservation
from app.reports import report_payment_failure, report_shipment_failure


def errors():
    for order_id in (17, 42, 99):
        handle_order(order_id)
    handle_reservation("sku-404")
    handle_checkout(7)


def message():
    report_payment_failure(42, "3f2a9c1e-8d4b-4c6a-9f1e-2b7d5a0c4e81")
    report_payment_failure(97, "b81d4e02-1c3f-4a5b-8e6d-7f9a0b2c3d4e")
    report_shipment_failure(17, "berlin")


def transaction():
    with sentry_sdk.start_transaction(op="task", name="checkout"):
        with sentry_sdk.start_span(op="db.query", name="SELECT * FROM carts WHERE id = %s"):
            time.sleep(0.02)
        with sentry_sdk.start_span(op="http.client", name="POST /charge"):
            time.sleep(0.03)


def sessions():
    sentry_sdk.start_session()
    sentry_sdk.capture_exception(RuntimeError("handled inside a session"))
    sentry_sdk.end_session()


def client_report():
    # The recording server answers the first envelope 429 with X-Sentry-Rate-Limits for the
    # error category; the SDK drops the next events and reports them (ratelimit_backoff).
    sentry_sdk.capture_message("rate limited 1", level="error")
    sentry_sdk.flush()
    sentry_sdk.capture_message("rate limited 2", level="error")
    sentry_sdk.capture_message("rate limited 3", level="error")
    # The error category is limited, transactions are not (same last step in every SDK).
    with sentry_sdk.start_transaction(op="task", name="after-rate-limit"):
        pass


SCENARIOS = {
    "errors": errors,
    "message": message,
    "transaction": transaction,
    "sessions": sessions,
    "client-report": client_report,
}


def main():
    scenario = SCENARIOS[sys.argv[1]]
    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        release="pulse-fixtures@1.0.0",
        environment="recording",
        traces_sample_rate=1.0,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
    )
    scenario()
    sentry_sdk.get_client().close(timeout=5)


if __name__ == "__main__":
    main()
