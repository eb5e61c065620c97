"""Entry points of the errors scenario: each captures what the service raised."""
import sentry_sdk

from app.service import checkout, order_service, reserve_inventory


def handle_order(order_id):
    try:
        order_service(order_id)
    except Exception as error:
        sentry_sdk.capture_exception(error)


def handle_reservation(sku):
    try:
        reserve_inventory(sku)
    except Exception as error:
        sentry_sdk.capture_exception(error)


def handle_checkout(order_id):
    try:
        checkout(order_id)
    except Exception as error:
        sentry_sdk.capture_exception(error)
