{{/*
Return routing's production.yaml: config with the chart-owned keys (listen
address, no migration on start: the case chart's hook Job migrates) and the
release-wide Kafka topic layout.
*/}}
{{- define "routing.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $_ := set $c.routing "grpc_listen" (printf "0.0.0.0:%d" (int .Values.containerPort)) -}}
{{- $_ := set $c.routing "migrate_on_start" false -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return routing's environment beyond the base: Kafka brokers, the case
service's URL, and the secrets (database URL, routing's bearer token).
*/}}
{{- define "routing.env" -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
- name: TEKMERKEZ__ROUTING__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__ROUTING__DATABASE_URL" "key" .Values.secretKeys.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__ROUTING__CASE_SERVICE__TOKEN" "key" .Values.secretKeys.caseServiceToken) | nindent 0 }}
{{- end -}}
