//! The "application" of the errors scenario: handler → service → parse, with one error kind
//! raised from the same place three times, one other error, one chained error and a panic.

use std::error::Error;
use std::fmt;

#[derive(Debug)]
pub struct InvalidOrder {
    id: u32,
}

impl fmt::Display for InvalidOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid order {}", self.id)
    }
}

impl Error for InvalidOrder {}

#[derive(Debug)]
pub struct InventoryUnavailable;

impl fmt::Display for InventoryUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "inventory service unavailable")
    }
}

impl Error for InventoryUnavailable {}

#[derive(Debug)]
pub struct CheckoutFailed {
    source: InvalidOrder,
}

impl fmt::Display for CheckoutFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "checkout failed")
    }
}

impl Error for CheckoutFailed {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}

#[inline(never)]
fn parse_order(id: u32) -> Result<u32, InvalidOrder> {
    if id > 0 {
        return Err(InvalidOrder { id });
    }
    Ok(id)
}

#[inline(never)]
fn order_service(id: u32) -> Result<u32, InvalidOrder> {
    parse_order(id)
}

#[inline(never)]
fn handle_order(id: u32) {
    if let Err(error) = order_service(id) {
        sentry::capture_error(&error);
    }
}

#[inline(never)]
fn reserve_inventory() {
    sentry::capture_error(&InventoryUnavailable);
}

#[inline(never)]
fn checkout(id: u32) {
    if let Err(source) = parse_order(id) {
        sentry::capture_error(&CheckoutFailed { source });
    }
}

#[inline(never)]
fn parse_quantity(raw: &str) -> u32 {
    match raw.parse::<u32>() {
        Ok(quantity) => quantity,
        Err(_) => panic!("quantity {raw} is not a number"),
    }
}

/// The two payment messages: same call site, different values. Each message kind has its own
/// function so grouping by stack (attach_stacktrace puts one in `threads`) and by text agree.
#[inline(never)]
pub fn report_payment_failure(id: u32, payment_uuid: &str) {
    sentry::capture_message(&format!("payment {id} failed for {payment_uuid}"), sentry::Level::Error);
}

/// The log-style message (sentry-rust's capture_message has no parameters).
#[inline(never)]
pub fn report_shipment_failure(id: u32, warehouse: &str) {
    sentry::capture_message(&format!("order {id} shipped to warehouse {warehouse} failed"), sentry::Level::Error);
}

pub fn errors_scenario() {
    for id in [17, 42, 99] {
        handle_order(id);
    }
    reserve_inventory();
    checkout(7);
    // The panic integration's hook captures the panic; catch_unwind keeps the process alive
    // so the client can flush.
    let outcome = std::panic::catch_unwind(|| parse_quantity("x"));
    assert!(outcome.is_err(), "parse_quantity must panic");
}
