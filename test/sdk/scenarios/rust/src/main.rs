//! Scenario program for the Pulse fixture recorder: runs one scenario (first argument) against
//! the DSN in `SENTRY_DSN`, then drops the client guard so everything is flushed before exit.

mod orders;

use std::time::Duration;

fn main() {
    let dsn = std::env::var("SENTRY_DSN").expect("SENTRY_DSN must be set");
    let scenario = std::env::args().nth(1).expect("usage: pulse-fixtures <scenario>");
    let guard = sentry::init(
        sentry::ClientOptions::new()
            .dsn(&dsn)
            .release("pulse-fixtures@1.0.0")
            .environment("recording")
            .traces_sample_rate(1.0)
            .attach_stacktrace(true)
            .auto_session_tracking(true)
            .shutdown_timeout(Duration::from_secs(5)),
    );
    match scenario.as_str() {
        "errors" => orders::errors_scenario(),
        "message" => message_scenario(),
        "transaction" => transaction_scenario(),
        "sessions" => sessions_scenario(),
        "client-report" => client_report_scenario(),
        other => panic!("unknown scenario {other}"),
    }
    guard.flush(Some(Duration::from_secs(5)));
    drop(guard);
}

fn message_scenario() {
    orders::report_payment_failure(42, "3f2a9c1e-8d4b-4c6a-9f1e-2b7d5a0c4e81");
    orders::report_payment_failure(97, "b81d4e02-1c3f-4a5b-8e6d-7f9a0b2c3d4e");
    orders::report_shipment_failure(17, "berlin");
}

fn transaction_scenario() {
    let transaction = sentry::start_transaction(sentry::TransactionContext::new("checkout", "task"));
    sentry::configure_scope(|scope| scope.set_span(Some(transaction.clone().into())));
    let query = transaction.start_child("db.query", "SELECT * FROM carts WHERE id = ?");
    std::thread::sleep(Duration::from_millis(20));
    query.finish();
    let charge = transaction.start_child("http.client", "POST /charge");
    std::thread::sleep(Duration::from_millis(30));
    charge.finish();
    sentry::configure_scope(|scope| scope.set_span(None));
    transaction.finish();
}

fn sessions_scenario() {
    // auto_session_tracking already started one at init: end it and run an explicit one.
    sentry::end_session();
    sentry::start_session();
    sentry::end_session_with_status(sentry::protocol::SessionStatus::Exited);
}

fn client_report_scenario() {
    // The recording server answers the first envelope with 429 + X-Sentry-Rate-Limits for the
    // error category; the next events are dropped client-side and reported as `ratelimit_backoff`.
    sentry::capture_message("rate limited 1", sentry::Level::Error);
    sentry::Hub::current().client().map(|client| client.flush(Some(Duration::from_secs(5))));
    sentry::capture_message("rate limited 2", sentry::Level::Error);
    sentry::capture_message("rate limited 3", sentry::Level::Error);
    // The error category is limited, transactions are not (same last step in every SDK).
    sentry::start_transaction(sentry::TransactionContext::new("after-rate-limit", "task")).finish();
}
