-- Issues: the mutable side of error groups (docs/issues.md). ClickHouse keeps every event; this
-- database keeps what changes: an issue's status and its history, the hashes that lead to it, the
-- releases in the order they were first seen, and how far the issue processor has read each
-- Kafka partition (so that its updates are applied exactly once).

-- The short number of the next issue per project: `PULSE-1`, `PULSE-2`… (base 32 in the short id).
CREATE TABLE issue_counters (
    project_id        bigint PRIMARY KEY,
    last_short_number bigint NOT NULL
);

CREATE TABLE issues (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id           bigint NOT NULL,
    short_number         bigint NOT NULL,
    -- From the latest event seen (as Sentry updates them).
    title                text NOT NULL,
    culprit              text NOT NULL,
    level                text NOT NULL,
    platform             text NOT NULL,
    status               text NOT NULL CHECK (status IN ('unresolved', 'resolved', 'ignored')),
    -- unresolved: new | ongoing | regressed | escalating; ignored: archived_forever |
    -- archived_until_condition_met; resolved: NULL. `new` and `regressed` read as `ongoing` after 7 days.
    substatus            text CHECK (substatus IN ('new', 'ongoing', 'regressed', 'escalating', 'archived_forever', 'archived_until_condition_met')),
    substatus_changed_at timestamptz NOT NULL,
    -- As the API shows it: {} | {"inNextRelease": true, "inRelease": "1.2.0"} | {"inRelease": "1.2.0"} |
    -- {"ignoreCount": 100, "ignoreWindow": 60, "ignoreUserCount": …, "ignoreUserWindow": …, "ignoreUntil": "…"}.
    status_details       jsonb NOT NULL DEFAULT '{}'::jsonb,
    status_changed_at    timestamptz NOT NULL,
    -- Resolutions: when (events received after it may regress the issue) and, for "in release" and
    -- "in next release", the release the resolution covers up to and including.
    resolved_at          timestamptz,
    resolution_kind      text CHECK (resolution_kind IN ('resolved', 'in_release', 'in_next_release')),
    resolution_release   text,
    -- Ignore conditions (NULL: no such condition). Counted from status_changed_at.
    ignore_until         timestamptz,
    ignore_count         bigint,
    ignore_window_min    integer,
    ignore_user_count    bigint,
    ignore_user_window_min integer,
    first_seen           timestamptz NOT NULL,
    last_seen            timestamptz NOT NULL,
    first_release        text NOT NULL DEFAULT '',
    last_release         text NOT NULL DEFAULT '',
    times_seen           bigint NOT NULL DEFAULT 0,
    grouping_config      text NOT NULL,
    UNIQUE (project_id, short_number)
);
CREATE INDEX issues_by_status ON issues (project_id, status, last_seen DESC);

-- Every hash that leads to an issue: the fingerprint under each grouping config it was seen with.
CREATE TABLE issue_hashes (
    project_id      bigint NOT NULL,
    hash            text NOT NULL,
    issue_id        bigint NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    grouping_config text NOT NULL,
    PRIMARY KEY (project_id, hash)
);
CREATE INDEX issue_hashes_by_issue ON issue_hashes (issue_id);

-- Who changed what, when: status changes by a token, regressions and escalations by the processor.
CREATE TABLE issue_activity (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_id       bigint NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    project_id     bigint NOT NULL,
    -- first_seen | set_status | set_regression | set_escalating
    kind           text NOT NULL,
    -- `system`, or the name of the token that made the change.
    actor          text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    from_status    text,
    from_substatus text,
    to_status      text,
    to_substatus   text,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX issue_activity_by_issue ON issue_activity (issue_id, id);

-- Releases in the order they were first seen: the order of releases that are not semver.
CREATE TABLE releases (
    project_id bigint NOT NULL,
    version    text NOT NULL,
    first_seen timestamptz NOT NULL,
    PRIMARY KEY (project_id, version)
);

-- Events and users of ignored issues with a count or user condition, per minute, from the time
-- they were ignored: what the condition (and its window) is checked against. Cleared on any status change.
CREATE TABLE issue_ignore_events (
    issue_id bigint NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    minute   timestamptz NOT NULL,
    events   bigint NOT NULL,
    PRIMARY KEY (issue_id, minute)
);
CREATE TABLE issue_ignore_users (
    issue_id  bigint NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    user_id   text NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (issue_id, user_id)
);

-- The last Kafka offset whose records the issue processor applied, per partition, written in the
-- transaction that applies them: a replayed batch (same offsets) finds itself applied and is skipped.
CREATE TABLE applied_offsets (
    consumer    text NOT NULL,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    last_offset bigint NOT NULL,
    PRIMARY KEY (consumer, topic, partition)
);
