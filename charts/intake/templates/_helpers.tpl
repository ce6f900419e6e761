{{/*
Return intake's production.yaml: config with the chart-owned keys (listen
address, the categories from global.categories when set) and the
release-wide Kafka topic layout.
*/}}
{{- define "intake.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $_ := set $c.intake.http "listen" (printf "0.0.0.0:%d" (int .Values.containerPort)) -}}
{{- with (.Values.global).categories -}}
{{- $_ := set $c.intake "categories" . -}}
{{- end -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return intake's environment beyond the base: Kafka brokers, the case
service's URL, and the secrets (database URL, intake's bearer token).
*/}}
{{- define "intake.env" -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
- name: TEKMERKEZ__INTAKE__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__DATABASE_URL" "key" .Values.secretKeys.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__CASE_SERVICE__TOKEN" "key" .Values.secretKeys.caseServiceToken) | nindent 0 }}
{{- end -}}
