{{/*
Return notify's production.yaml: telemetry and the Kafka client with the
release-wide topic layout. The notify section comes with the service (issue 6).
*/}}
{{- define "notify.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return notify's environment beyond the base: Kafka brokers, the case
service's URL, the secrets (database URL, notify's bearer token) and the SMS
provider's credentials from sms.existingSecret. The variable names are
provisional until the service exists.
*/}}
{{- define "notify.env" -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
- name: TEKMERKEZ__NOTIFY__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__NOTIFY__DATABASE_URL" "key" .Values.secretKeys.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__NOTIFY__CASE_SERVICE__TOKEN" "key" .Values.secretKeys.caseServiceToken) | nindent 0 }}
{{- $sms := coalesce .Values.sms.existingSecret .Values.existingSecret ((.Values.global).existingSecret) }}
{{- range .Values.sms.env }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" $ "secret" $sms "name" .name "key" .key "optional" .optional) | nindent 0 }}
{{- end }}
{{- end -}}
