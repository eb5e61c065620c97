// Package orders is the "application" of the Go errors scenario: handler → service → parse,
// one error kind from one place with three values, another error, a wrapped error and a panic.
package orders

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/getsentry/sentry-go"
)

// InvalidOrderError is what ParseOrder returns for every order it rejects.
type InvalidOrderError struct{ ID int }

func (e *InvalidOrderError) Error() string { return fmt.Sprintf("invalid order %d", e.ID) }

// ErrInventoryUnavailable is the "other" error of the scenario.
var ErrInventoryUnavailable = errors.New("inventory service unavailable")

func ParseOrder(id int) (int, error) {
	if id > 0 {
		return 0, &InvalidOrderError{ID: id}
	}
	return id, nil
}

func OrderService(id int) (int, error) {
	return ParseOrder(id)
}

func HandleOrder(id int) {
	if _, err := OrderService(id); err != nil {
		sentry.CaptureException(err)
	}
}

func ReserveInventory() {
	sentry.CaptureException(ErrInventoryUnavailable)
}

func Checkout(id int) {
	if _, err := ParseOrder(id); err != nil {
		sentry.CaptureException(fmt.Errorf("checkout of order %d failed: %w", id, err))
	}
}

func ParseQuantity(raw string) int {
	quantity, err := strconv.Atoi(raw)
	if err != nil {
		panic(fmt.Sprintf("quantity %s is not a number", raw))
	}
	return quantity
}

// LookupOrder indexes past the end of ids for index >= len(ids): a runtime.Error panic.
func LookupOrder(ids []int, index int) int {
	return ids[index]
}

// HandleLookup recovers the runtime panic of LookupOrder (an error value, so an exception event).
func HandleLookup(index int) {
	defer func() {
		if recovered := recover(); recovered != nil {
			sentry.CurrentHub().Recover(recovered)
		}
	}()
	LookupOrder([]int{17}, index)
}

// ReportPaymentFailure sends the two payment messages (same call site, different values).
func ReportPaymentFailure(id int, paymentUUID string) {
	sentry.CaptureMessage(fmt.Sprintf("payment %d failed for %s", id, paymentUUID))
}

// ReportShipmentFailure sends the log-style message (sentry-go has no parameterised message API).
func ReportShipmentFailure(id int, warehouse string) {
	sentry.CaptureMessage(fmt.Sprintf("order %d shipped to warehouse %s failed", id, warehouse))
}

// HandleQuantity recovers the panic of ParseQuantity and reports it through the hub.
func HandleQuantity(raw string) {
	defer func() {
		if recovered := recover(); recovered != nil {
			sentry.CurrentHub().Recover(recovered)
		}
	}()
	ParseQuantity(raw)
}
