{{/*
Return the reports' production.yaml: config with the chart-owned keys
(listen address, no migration on start: the case chart's hook Job migrates,
the institution on the periodic reports' cover from global.institution)
and the release-wide Kafka topic layout.
*/}}
{{- define "reports.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $g := .Values.global | default dict -}}
{{- with $g.institution -}}
{{- $_ := set $c "institution" (dict "name" . "short_name" .) -}}
{{- end -}}
{{- $_ := set $c.reports "grpc_listen" (printf "0.0.0.0:%d" (int .Values.containerPort)) -}}
{{- $_ := set $c.reports "migrate_on_start" false -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return the reports' environment beyond the base: Kafka brokers, the case
service's URL, and the secrets (database URL, the reports' bearer token).
*/}}
{{- define "reports.env" -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
- name: TEKMERKEZ__REPORTS__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__REPORTS__DATABASE_URL" "key" .Values.secretKeys.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__REPORTS__CASE_SERVICE__TOKEN" "key" .Values.secretKeys.caseServiceToken) | nindent 0 }}
{{- end -}}
