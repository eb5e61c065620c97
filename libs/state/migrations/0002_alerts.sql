-- Alerts (docs/alerts.md): rules as data, the state each rule keeps between evaluations, the
-- incidents they open, the outbox of notifications to deliver, and which alerts instance owns
-- which share of the work.

-- The event that opened an issue: a new-issue alert fires for that event and no other (a client
-- re-send or a replay of the same event id finds the alert's idempotency key taken).
ALTER TABLE issues ADD COLUMN first_event_id text;

-- A rule as the API took it: `definition` is the validated JSON (kind, trigger or aggregate,
-- filters, thresholds, actions with their secrets). `provisioned_from` names the file a
-- provisioned rule comes from; the API refuses to change those (the file is their source).
CREATE TABLE alert_rules (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       bigint NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('issue', 'metric', 'release')),
    name             text NOT NULL,
    definition       jsonb NOT NULL,
    enabled          boolean NOT NULL DEFAULT true,
    provisioned_from text,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- Bumped on every change: an evaluation started on an older version does not write its state.
    version          integer NOT NULL DEFAULT 1
);
CREATE INDEX alert_rules_by_project ON alert_rules (project_id, kind);
-- A provisioned rule is identified by its project and name across re-provisioning.
CREATE UNIQUE INDEX alert_rules_provisioned ON alert_rules (project_id, name) WHERE provisioned_from IS NOT NULL;

-- Issue rules: when a rule last notified for an issue (its action interval runs from there).
CREATE TABLE alert_issue_fires (
    rule_id       bigint NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    issue_id      bigint NOT NULL,
    last_fired_at timestamptz NOT NULL,
    PRIMARY KEY (rule_id, issue_id)
);

-- Metric and release rules: where the rule stands between evaluations.
CREATE TABLE alert_rule_state (
    rule_id           bigint PRIMARY KEY REFERENCES alert_rules (id) ON DELETE CASCADE,
    -- ok | warning | critical (metric); pending | pass | marginal | fail (release)
    status            text NOT NULL,
    -- Consecutive evaluations seen towards a change: {"toward": "critical", "count": 2}.
    pending           jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_value        double precision,
    -- The last evaluation's evidence: a metric rule's value and thresholds, a release rule's verdict
    -- with its tests (what GET …/alert-rules/:id/verdict answers).
    last_result       jsonb,
    last_evaluated_at timestamptz,
    -- When the rule should next be evaluated (its evaluateEverySeconds after the last one).
    next_due_at       timestamptz NOT NULL DEFAULT now(),
    open_incident_id  bigint,
    -- The guard period: no new incident for the same rule and level until this instant.
    guard_until       timestamptz
);

-- What a rule opened: an issue alert (one per notification), a metric incident (from firing to
-- resolved), a release verdict. `details` holds the evidence (trigger, value, thresholds, tests).
CREATE TABLE alert_incidents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL,
    rule_id     bigint REFERENCES alert_rules (id) ON DELETE SET NULL,
    rule_name   text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('issue', 'metric', 'release')),
    issue_id    bigint,
    -- issue: triggered; metric: warning | critical | resolved; release: pass | marginal | fail
    status      text NOT NULL,
    started_at  timestamptz NOT NULL,
    resolved_at timestamptz,
    details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX alert_incidents_by_project ON alert_incidents (project_id, started_at DESC);
CREATE INDEX alert_incidents_by_rule ON alert_incidents (rule_id, started_at DESC);

-- The outbox: one row per notification and action, written in the transaction that decided to
-- notify. The idempotency key is derived from the facts (rule, incident or issue, transition,
-- action), so deciding twice inserts nothing new, and it is sent as the Idempotency-Key header.
CREATE TABLE alert_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       bigint NOT NULL,
    rule_id          bigint,
    incident_id      bigint REFERENCES alert_incidents (id) ON DELETE CASCADE,
    idempotency_key  text NOT NULL UNIQUE,
    destination      text NOT NULL CHECK (destination IN ('webhook', 'slack', 'jira')),
    -- The action as the rule had it when the notification was decided (url, secret, …).
    action           jsonb NOT NULL,
    -- What to say (Notification of @pulse/notifiers); rendered per destination when sent.
    notification     jsonb NOT NULL,
    -- pending: to send (again) at next_attempt_at; delivered; failed: gave up after max attempts.
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A sender's claim: another instance takes the row only after locked_until.
    locked_by        text,
    locked_until     timestamptz,
    last_error       text,
    last_status_code integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    -- What the destination answered that later deliveries need (the Jira issue key).
    external_ref     text
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX alert_deliveries_by_incident ON alert_deliveries (incident_id);

-- Jira: the ticket of an issue per Jira site and project, so an issue never gets a second one.
CREATE TABLE alert_jira_tickets (
    issue_id    bigint NOT NULL,
    destination text NOT NULL,
    ticket_key  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issue_id, destination)
);

-- Ownership of the scheduled work (metric and release rules) across alerts instances: rules are
-- hashed into shards, each shard leased by one live instance and taken over when its lease runs
-- out. Issue alerts are owned per Kafka partition by the consumer group.
CREATE TABLE alert_instances (
    id           text PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL
);
CREATE TABLE alert_shard_leases (
    shard      integer PRIMARY KEY,
    owner      text NOT NULL,
    expires_at timestamptz NOT NULL
);
