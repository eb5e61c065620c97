// Scenario program for the Pulse fixture recorder (test/sdk/native-scenarios.ts):
// SENTRY_DSN=... go run . <errors|message|transaction|sessions|client-report>
// Runs one scenario, then flushes the client before exiting.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"example.com/pulsefixtures/orders"
	"github.com/getsentry/sentry-go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pulsefixtures <scenario>")
		os.Exit(2)
	}
	err := sentry.Init(sentry.ClientOptions{
		Dsn:              os.Getenv("SENTRY_DSN"),
		Release:          "pulse-fixtures@1.0.0",
		Environment:      "recording",
		EnableTracing:    true,
		TracesSampleRate: 1.0,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sentry.Init:", err)
		os.Exit(1)
	}
	switch os.Args[1] {
	case "errors":
		errorsScenario()
	case "message":
		messageScenario()
	case "transaction":
		transactionScenario()
	case "sessions":
		// sentry-go has no release-health session API: nothing to send.
	case "client-report":
		clientReportScenario()
	default:
		fmt.Fprintln(os.Stderr, "unknown scenario", os.Args[1])
		os.Exit(2)
	}
	if !sentry.Flush(5 * time.Second) {
		fmt.Fprintln(os.Stderr, "sentry.Flush timed out")
		os.Exit(1)
	}
}

func errorsScenario() {
	for _, id := range []int{17, 42, 99} {
		orders.HandleOrder(id)
	}
	orders.ReserveInventory()
	orders.Checkout(7)
	orders.HandleQuantity("x")
	orders.HandleLookup(3)
}

func messageScenario() {
	orders.ReportPaymentFailure(42, "3f2a9c1e-8d4b-4c6a-9f1e-2b7d5a0c4e81")
	orders.ReportPaymentFailure(97, "b81d4e02-1c3f-4a5b-8e6d-7f9a0b2c3d4e")
	orders.ReportShipmentFailure(17, "berlin")
}

func transactionScenario() {
	ctx := context.Background()
	transaction := sentry.StartTransaction(ctx, "checkout", sentry.WithOpName("task"))
	query := transaction.StartChild("db.query", sentry.WithDescription("SELECT * FROM carts WHERE id = ?"))
	time.Sleep(20 * time.Millisecond)
	query.Finish()
	charge := transaction.StartChild("http.client", sentry.WithDescription("POST /charge"))
	time.Sleep(30 * time.Millisecond)
	charge.Finish()
	transaction.Finish()
}

func clientReportScenario() {
	// The recording server answers the first envelope 429 with X-Sentry-Rate-Limits; the
	// next events are dropped client-side and reported (ratelimit_backoff).
	sentry.CaptureMessage("rate limited 1")
	sentry.Flush(5 * time.Second)
	sentry.CaptureMessage("rate limited 2")
	sentry.CaptureMessage("rate limited 3")
	// The error category is limited, transactions are not: sentry-go attaches pending client
	// reports to the next envelope it sends (or sends them alone every 30 s).
	sentry.StartTransaction(context.Background(), "after-rate-limit", sentry.WithOpName("task")).Finish()
}
