{{/*
Shared pieces of the Pulse chart. The apps differ in their port, the environment sections their
config loader reads (libs/config/src/env.config.ts: each app reads its own variables and no others)
and whether they need the database credentials; everything else is the same and is written once here.
*/}}

{{/* The four apps, in a fixed order so that rendered output is stable. */}}
{{- define "pulse.apps" -}}
ingest consumer query alerts
{{- end }}

{{- define "pulse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pulse.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "pulse.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "pulse.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The name of one app's objects: <fullname>-<app>. Argument: dict root, app. */}}
{{- define "pulse.appName" -}}
{{- printf "%s-%s" (include "pulse.fullname" .root) .app | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pulse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "pulse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one app. Argument: dict root, app. */}}
{{- define "pulse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pulse.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end }}

{{- define "pulse.appLabels" -}}
{{ include "pulse.labels" .root }}
app.kubernetes.io/component: {{ .app }}
{{- end }}

{{/* The Secret with pulse-config.json, DATABASE_URL, CLICKHOUSE_USER and CLICKHOUSE_PASSWORD. */}}
{{- define "pulse.secretName" -}}
{{- default (include "pulse.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* The ServiceAccount of the apps' pods; "" means the namespace's default. */}}
{{- define "pulse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pulse.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* An app's image: repository:tag, the tag defaulting to the chart's appVersion. Argument: the image values, root. */}}
{{- define "pulse.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion (toString .image.tag)) }}
{{- end }}

{{/* Which environment sections an app's config loader reads. */}}
{{- define "pulse.readsKafka" -}}
{{- has .app (list "ingest" "consumer" "alerts") }}
{{- end }}
{{- define "pulse.readsStores" -}}
{{- has .app (list "consumer" "query" "alerts" "migrate") }}
{{- end }}

{{/*
The non-secret environment of one app (its ConfigMap's data). Argument: dict root, app.
The port variable is the app's own: INGEST_PORT, CONSUMER_PORT, QUERY_PORT, ALERTS_PORT.
*/}}
{{- define "pulse.appEnv" -}}
{{- $v := .root.Values }}
{{- if ne .app "migrate" }}
{{- $app := index $v .app }}
{{ printf "%s_PORT" (upper .app) }}: {{ $app.port | quote }}
PULSE_HOST: "0.0.0.0"
PULSE_CONFIG: "/etc/pulse/pulse-config.json"
LOG_LEVEL: {{ $v.logLevel | quote }}
{{- end }}
{{- if eq (include "pulse.readsKafka" .) "true" }}
KAFKA_BROKERS: {{ join "," $v.kafka.brokers | quote }}
KAFKA_CLIENT_ID: {{ $v.kafka.clientId | quote }}
KAFKA_TOPIC_PREFIX: {{ $v.kafka.topicPrefix | quote }}
KAFKA_TOPIC_PARTITIONS: {{ $v.kafka.topicPartitions | quote }}
{{- end }}
{{- if eq (include "pulse.readsStores" .) "true" }}
CLICKHOUSE_URL: {{ $v.clickhouse.url | quote }}
CLICKHOUSE_DATABASE: {{ $v.clickhouse.database | quote }}
{{- with $v.clickhouse.cluster }}
CLICKHOUSE_CLUSTER: {{ . | quote }}
{{- end }}
{{- end }}
{{- if eq .app "ingest" }}
INGEST_WORKERS: {{ $v.ingest.workers | quote }}
{{- end }}
{{- if ne .app "migrate" }}
{{- range $name, $value := (index $v .app).env }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The credentials, from the Secret: only the apps that read the stores get them. Argument: dict root, app. */}}
{{- define "pulse.secretEnv" -}}
{{- if eq (include "pulse.readsStores" .) "true" }}
{{- $secret := include "pulse.secretName" .root }}
{{- range $key := list "DATABASE_URL" "CLICKHOUSE_USER" "CLICKHOUSE_PASSWORD" }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- end }}
{{- end }}

{{/* The chart-managed Secret's data, also hashed into the pods' checksum annotation. */}}
{{- define "pulse.secretData" -}}
pulse-config.json: {{ toJson .Values.pulseConfig | b64enc | quote }}
DATABASE_URL: {{ .Values.postgres.url | b64enc | quote }}
CLICKHOUSE_USER: {{ .Values.clickhouse.user | b64enc | quote }}
CLICKHOUSE_PASSWORD: {{ .Values.clickhouse.password | b64enc | quote }}
{{- end }}

{{/* What the pods' checksum/secret annotation hashes: the data when the chart owns it, else the name. */}}
{{- define "pulse.secretChecksum" -}}
{{- if .Values.existingSecret }}
{{- printf "existing:%s:%s" .Values.existingSecret (toString .Values.existingSecretRevision) | sha256sum }}
{{- else }}
{{- include "pulse.secretData" . | sha256sum }}
{{- end }}
{{- end }}
