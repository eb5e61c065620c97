"""An ordinary OpenTelemetry-instrumented Python program, as a service owner would write it.

The SDK's TracerProvider, a BatchSpanProcessor and the OTLP/HTTP protobuf exporter
(opentelemetry.exporter.otlp.proto.http). Nothing here knows Pulse: the endpoint, headers,
compression, service name, version and environment all come from the SDK's standard variables
(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_HEADERS,
OTEL_EXPORTER_OTLP_COMPRESSION, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES).

It replays the workload on stdin (test/otel/workload.ts) with explicit start and end times, one
span calling code that raises (a real Python traceback in the recorded exception), then flushes,
shuts down and prints what it exported as JSON, as test/otel/node-app.ts does.
"""

import json
import os
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

KINDS = {"server": SpanKind.SERVER, "client": SpanKind.CLIENT, "internal": SpanKind.INTERNAL}
NS_PER_MS = 1_000_000


class CountingIdGenerator(IdGenerator):
    """Trace ids <prefix><24-hex counter>, span ids <prefix[0:4]><12-hex counter>: a replay reproduces them."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.traces = 0
        self.spans = 0

    def generate_trace_id(self):
        self.traces += 1
        return int(self.prefix + format(self.traces, "024x"), 16)

    def generate_span_id(self):
        self.spans += 1
        return int(self.prefix[:4] + format(self.spans, "012x"), 16)


class CountingExporter(OTLPSpanExporter):
    """The exporter, with what it reported back counted: a refused export shows in the report."""

    def __init__(self):
        super().__init__()
        self.outcome = {"spans": 0, "failures": []}

    def export(self, spans):
        result = super().export(spans)
        if result == SpanExportResult.SUCCESS:
            self.outcome["spans"] += len(spans)
        else:
            self.outcome["failures"].append(str(result))
        return result


class PaymentDeclined(Exception):
    pass


def charge_card(message):
    raise PaymentDeclined(message)


def replay(tracer, planned, parent, replayed):
    """Starts `planned` under `parent` (None: a new trace), its children inside it, and ends it at its planned end."""
    parent_context = trace.set_span_in_context(parent) if parent is not None else None
    span = tracer.start_span(
        planned["name"],
        context=parent_context,
        kind=KINDS[planned["kind"]],
        attributes=planned["attributes"],
        start_time=planned["startMs"] * NS_PER_MS,
    )
    span_context = span.get_span_context()
    trace_id = format(span_context.trace_id, "032x")
    span_id = format(span_context.span_id, "016x")
    replayed["traceId"] = trace_id
    parent_span_id = format(parent.get_span_context().span_id, "016x") if parent is not None else ""
    replayed["spans"].append({"spanId": span_id, "parentSpanId": parent_span_id, "name": planned["name"]})
    for child in planned["children"]:
        replay(tracer, child, span, replayed)
    if planned.get("throws") is not None:
        try:
            charge_card(planned["throws"])
        except PaymentDeclined as error:
            span.record_exception(error, timestamp=(planned["endMs"] - 1) * NS_PER_MS)
            # As the SDK recorded it (the type qualified by its module: `__main__.PaymentDeclined`).
            recorded = span.events[-1].attributes
            replayed["exception"] = {
                "traceId": trace_id,
                "spanId": span_id,
                "type": recorded["exception.type"],
                "message": recorded["exception.message"],
                "stack": recorded["exception.stacktrace"],
            }
    if planned.get("error") is not None:
        span.set_status(Status(StatusCode.ERROR, planned["error"]))
    span.end(end_time=planned["endMs"] * NS_PER_MS)


def main():
    protocol = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"))
    if protocol != "http/protobuf":
        raise SystemExit(f"unsupported OTEL_EXPORTER_OTLP_TRACES_PROTOCOL {protocol}: this program exports http/protobuf")
    workload = json.load(sys.stdin)
    exporter = CountingExporter()
    provider = TracerProvider(id_generator=CountingIdGenerator(workload["idPrefix"]))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracer = provider.get_tracer("pulse-otel-e2e-python-app", "1.0.0")
    traces = []
    exception = None
    for root in workload["traces"]:
        replayed = {"traceId": "", "spans": []}
        replay(tracer, root, None, replayed)
        traces.append({"traceId": replayed["traceId"], "spans": replayed["spans"]})
        exception = replayed.get("exception", exception)
    provider.force_flush()
    provider.shutdown()
    if exception is None:
        raise SystemExit("the workload has no span that throws")
    print(json.dumps({"traces": traces, "exception": exception, "exported": exporter.outcome}))
    sys.exit(1 if exporter.outcome["failures"] else 0)


if __name__ == "__main__":
    main()
