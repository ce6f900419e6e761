{{/*
Return the case service's production.yaml: config with the chart-owned keys
(listen address, no migration on start: the hook Job migrates) and the
release-wide Kafka topic layout.
*/}}
{{- define "case.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $_ := set $c.case.grpc "listen" (printf "0.0.0.0:%d" (int .Values.containerPort)) -}}
{{- $_ := set $c.case.database "migrate_on_start" false -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return the case service's environment beyond the base: Kafka brokers and the
secrets (database URL, one bearer token per calling service, the bootstrap
admin's password).
*/}}
{{- define "case.env" -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
{{- $k := .Values.secretKeys }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__CASE__DATABASE__URL" "key" $k.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__ROUTING" "key" $k.routingServiceToken) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__INTAKE" "key" $k.intakeServiceToken) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__GATEWAY" "key" $k.gatewayServiceToken) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__NOTIFY" "key" $k.notifyServiceToken "optional" true) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__CASE__AUTH__SERVICE_TOKENS__REPORTS" "key" $k.reportsServiceToken "optional" true) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__BOOTSTRAP__ADMIN_PASSWORD" "key" $k.bootstrapAdminPassword "optional" true) | nindent 0 }}
{{- end -}}
