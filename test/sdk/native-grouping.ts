// Expected grouping of the native-SDK recordings (test/fixtures/recorded/expected-grouping.json).
// The expectations are written by hand, per SDK, from what each scenario program does (which
// error kind is thrown where, which message comes from which function); `deriveExpectedGrouping`
// only attaches them to the event ids of a recording, matching each event by exception type or
// message text, and fails on any event no rule (or more than one rule) describes. `topAppFrame`
// reads the real payload with the app-frame rule of the SDK so the e2e spec can check the
// hand-written frames against what the SDK really sent.
import { parseEnvelope } from './envelope';
import { RecordedFixtureRequest, fixtureBody } from './fixtures';
import { NativeSdk } from './native-scenarios';

export interface ExpectedFrame {
  /** Frame `module` (Python, Go, Java); absent for Rust, whose frames carry none. */
  module?: string;
  function: string;
}

export interface ExpectedGroupingEntry {
  file: string;
  eventId: string;
  /** Same label in the same SDK = same group; labels are not compared across SDKs. */
  group: string;
  /** `<module> in <function>` (Python, Go, Java) or the function (Rust, platform native); '' without an app frame. */
  culprit: string;
  /** Where the SDK put the stack that decides the culprit. */
  stackIn: 'exception' | 'threads' | 'none';
  topAppFrame: ExpectedFrame | null;
}

interface EventRule {
  /** Type (and value pattern) of the last (outermost) exception, or a pattern of the message text. */
  match: { exceptionType: string; value?: RegExp } | { message: RegExp };
  group: string;
  stackIn: ExpectedGroupingEntry['stackIn'];
  topAppFrame: ExpectedFrame | null;
}

interface RecordedFrame {
  module?: string;
  function?: string;
  package?: string;
}

/** The frames of the application itself, by SDK: everything else is the SDK, the runtime or libc. */
export const APP_FRAME: Record<NativeSdk, (frame: RecordedFrame) => boolean> = {
  python: (frame) => frame.module === 'app' || (frame.module ?? '').startsWith('app.') || frame.module === '__main__',
  go: (frame) => frame.module === 'main' || (frame.module ?? '').startsWith('example.com/pulsefixtures'),
  java: (frame) => (frame.module ?? '').startsWith('com.example.'),
  rust: (frame) => frame.package === 'pulse_fixtures' || (frame.function ?? '').startsWith('pulse_fixtures::'),
};

const PAYMENT = /^payment \d+ failed for [0-9a-f-]{36}$/;
const SHIPMENT = /^order \d+ shipped to warehouse \w+ failed$/;
const RATE_LIMITED = /^rate limited \d+$/;

const frame = (module: string | undefined, fn: string): ExpectedFrame => ({ ...(module !== undefined && { module }), function: fn });

const RULES: Record<NativeSdk, EventRule[]> = {
  python: [
    { match: { exceptionType: 'InvalidOrder' }, group: 'errors.same-site', stackIn: 'exception', topAppFrame: frame('app.service', 'parse_order') },
    { match: { exceptionType: 'KeyError' }, group: 'errors.other', stackIn: 'exception', topAppFrame: frame('app.service', 'reserve_inventory') },
    { match: { exceptionType: 'CheckoutFailed' }, group: 'errors.chained', stackIn: 'exception', topAppFrame: frame('app.service', 'checkout') },
    { match: { exceptionType: 'RuntimeError' }, group: 'sessions.handled', stackIn: 'none', topAppFrame: null },
    { match: { message: PAYMENT }, group: 'message.payment', stackIn: 'none', topAppFrame: null },
    { match: { message: SHIPMENT }, group: 'message.log', stackIn: 'none', topAppFrame: null },
    { match: { message: RATE_LIMITED }, group: 'client-report.message', stackIn: 'none', topAppFrame: null },
  ],
  go: [
    // Go errors carry no stack: sentry-go records the stack of the CaptureException call.
    { match: { exceptionType: '*orders.InvalidOrderError' }, group: 'errors.same-site', stackIn: 'exception', topAppFrame: frame('example.com/pulsefixtures/orders', 'HandleOrder') },
    { match: { exceptionType: '*errors.errorString' }, group: 'errors.other', stackIn: 'exception', topAppFrame: frame('example.com/pulsefixtures/orders', 'ReserveInventory') },
    { match: { exceptionType: '*fmt.wrapError' }, group: 'errors.chained', stackIn: 'exception', topAppFrame: frame('example.com/pulsefixtures/orders', 'Checkout') },
    // A recovered error value: the stack is taken in the deferred function, which is on top.
    { match: { exceptionType: 'runtime.boundsError' }, group: 'panic.runtime', stackIn: 'exception', topAppFrame: frame('example.com/pulsefixtures/orders', 'HandleLookup.func1') },
    // A recovered string becomes a plain message event without any stack.
    { match: { message: /^quantity x is not a number$/ }, group: 'panic', stackIn: 'none', topAppFrame: null },
    { match: { message: PAYMENT }, group: 'message.payment', stackIn: 'none', topAppFrame: null },
    { match: { message: SHIPMENT }, group: 'message.log', stackIn: 'none', topAppFrame: null },
    { match: { message: RATE_LIMITED }, group: 'client-report.message', stackIn: 'none', topAppFrame: null },
  ],
  java: [
    { match: { exceptionType: 'InvalidOrderException' }, group: 'errors.same-site', stackIn: 'exception', topAppFrame: frame('com.example.OrderService', 'parse') },
    { match: { exceptionType: 'IllegalStateException', value: /^inventory service unavailable/ }, group: 'errors.other', stackIn: 'exception', topAppFrame: frame('com.example.OrderService', 'reserveInventory') },
    { match: { exceptionType: 'IllegalStateException', value: /^handled inside a session$/ }, group: 'sessions.handled', stackIn: 'exception', topAppFrame: frame('com.example.Main', 'sessions') },
    { match: { exceptionType: 'CheckoutException' }, group: 'errors.chained', stackIn: 'exception', topAppFrame: frame('com.example.OrderService', 'checkout') },
    // Thrown inside Integer.parseInt: the JDK frames on top are not the app's.
    { match: { exceptionType: 'NumberFormatException' }, group: 'errors.jdk', stackIn: 'exception', topAppFrame: frame('com.example.OrderService', 'parseQuantity') },
    { match: { message: PAYMENT }, group: 'message.payment', stackIn: 'threads', topAppFrame: frame('com.example.OrderReports', 'reportPaymentFailure') },
    { match: { message: SHIPMENT }, group: 'message.log', stackIn: 'threads', topAppFrame: frame('com.example.OrderReports', 'reportShipmentFailure') },
    { match: { message: RATE_LIMITED }, group: 'client-report.message', stackIn: 'threads', topAppFrame: frame('com.example.Main', 'clientReport') },
  ],
  rust: [
    // capture_error: no stack on the exception; attach_stacktrace puts the capture-site stack in threads.
    { match: { exceptionType: 'InvalidOrder' }, group: 'errors.same-site', stackIn: 'threads', topAppFrame: frame(undefined, 'pulse_fixtures::orders::handle_order') },
    { match: { exceptionType: 'InventoryUnavailable' }, group: 'errors.other', stackIn: 'threads', topAppFrame: frame(undefined, 'pulse_fixtures::orders::reserve_inventory') },
    { match: { exceptionType: 'CheckoutFailed' }, group: 'errors.chained', stackIn: 'threads', topAppFrame: frame(undefined, 'pulse_fixtures::orders::checkout') },
    { match: { exceptionType: 'panic' }, group: 'panic', stackIn: 'exception', topAppFrame: frame(undefined, 'pulse_fixtures::orders::parse_quantity') },
    { match: { message: PAYMENT }, group: 'message.payment', stackIn: 'threads', topAppFrame: frame(undefined, 'pulse_fixtures::orders::report_payment_failure') },
    { match: { message: SHIPMENT }, group: 'message.log', stackIn: 'threads', topAppFrame: frame(undefined, 'pulse_fixtures::orders::report_shipment_failure') },
    { match: { message: RATE_LIMITED }, group: 'client-report.message', stackIn: 'threads', topAppFrame: frame(undefined, 'pulse_fixtures::client_report_scenario') },
  ],
};

type RecordedEvent = Record<string, unknown>;

/** Exception values in order (innermost first); sentry-go sends a bare array instead of `{values}`. */
export function exceptionValues(event: RecordedEvent): Array<Record<string, unknown>> {
  const exception = event.exception;
  if (Array.isArray(exception)) return exception as Array<Record<string, unknown>>;
  const values = (exception as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? (values as Array<Record<string, unknown>>) : [];
}

/** The formatted message text: `logentry`, or `message` as a string or a `{formatted}` object (Java). */
export function messageText(event: RecordedEvent): string | undefined {
  for (const key of ['logentry', 'message']) {
    const value = event[key];
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const { formatted, message } = value as { formatted?: unknown; message?: unknown };
      if (typeof formatted === 'string') return formatted;
      if (typeof message === 'string') return message;
    }
  }
  return undefined;
}

function framesOf(stacktrace: unknown): RecordedFrame[] {
  const frames = (stacktrace as { frames?: unknown } | undefined)?.frames;
  return Array.isArray(frames) ? (frames as RecordedFrame[]) : [];
}

/** The stack that decides the culprit: the outermost exception's with frames, else the only thread's. */
export function primaryStack(event: RecordedEvent): { stackIn: ExpectedGroupingEntry['stackIn']; frames: RecordedFrame[] } {
  const withFrames = exceptionValues(event).filter((value) => framesOf(value.stacktrace).length > 0);
  if (withFrames.length > 0) return { stackIn: 'exception', frames: framesOf(withFrames[withFrames.length - 1].stacktrace) };
  const threads = (event.threads as { values?: unknown } | undefined)?.values;
  const stacks = Array.isArray(threads) ? threads.map((thread: { stacktrace?: unknown }) => framesOf(thread.stacktrace)).filter((frames) => frames.length > 0) : [];
  if (stacks.length === 1) return { stackIn: 'threads', frames: stacks[0] };
  return { stackIn: 'none', frames: [] };
}

/** The app frame nearest the top of the primary stack (frames are listed oldest first). */
export function topAppFrame(sdk: NativeSdk, event: RecordedEvent): ExpectedFrame | null {
  const { frames } = primaryStack(event);
  for (let index = frames.length - 1; index >= 0; index -= 1) {
    const candidate = frames[index];
    if (APP_FRAME[sdk](candidate) && typeof candidate.function === 'string') {
      return sdk === 'rust' ? frame(undefined, candidate.function) : frame(candidate.module, candidate.function);
    }
  }
  return null;
}

/** Sentry's culprit string for a frame: the function alone for native platforms, else `<module> in <function>`. */
export function culpritOf(sdk: NativeSdk, top: ExpectedFrame | null): string {
  if (top === null) return '';
  return sdk === 'rust' ? top.function : `${top.module ?? '?'} in ${top.function}`;
}

function ruleMatches(rule: EventRule, event: RecordedEvent): boolean {
  if ('exceptionType' in rule.match) {
    const values = exceptionValues(event);
    const outermost = values[values.length - 1];
    if (outermost === undefined || outermost.type !== rule.match.exceptionType) return false;
    return rule.match.value === undefined || rule.match.value.test(String(outermost.value));
  }
  const text = messageText(event);
  return exceptionValues(event).length === 0 && text !== undefined && rule.match.message.test(text);
}

/** Every event item of a recording, with its envelope's event id. */
export function recordedEvents(requests: RecordedFixtureRequest[]): Array<{ eventId: string; event: RecordedEvent }> {
  return requests.flatMap((request) =>
    parseEnvelope(fixtureBody(request))
      .items.filter((item) => item.header.type === 'event')
      .map((item) => {
        const event = item.json as RecordedEvent;
        return { eventId: String(event.event_id), event };
      }),
  );
}

/** The expectations for every event of one recording; throws on an event no rule (or two) describes. */
export function deriveExpectedGrouping(sdk: NativeSdk, file: string, requests: RecordedFixtureRequest[]): ExpectedGroupingEntry[] {
  return recordedEvents(requests).map(({ eventId, event }) => {
    const rules = RULES[sdk].filter((rule) => ruleMatches(rule, event));
    if (rules.length !== 1) throw new Error(`${file} event ${eventId}: ${rules.length} grouping rules match (expected exactly one)`);
    const [rule] = rules;
    return { file, eventId, group: rule.group, culprit: culpritOf(sdk, rule.topAppFrame), stackIn: rule.stackIn, topAppFrame: rule.topAppFrame };
  });
}
