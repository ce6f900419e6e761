{{/*
Return intake's production.yaml: config with the chart-owned keys (the HTTP
and partner listen addresses, the categories from global.categories when
set, the citizen form's institution from global.institution, the relay's
SMTPUTF8 from global.smtputf8 (notify.email.smtputf8, which intake reads to
refuse addresses the relay cannot reach), the IMAP CA file from caBundle
when not set) and the release-wide Kafka topic layout.
*/}}
{{- define "intake.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $_ := set $c.intake.http "listen" (printf "0.0.0.0:%d" (int .Values.containerPort)) -}}
{{- $_ := set $c.intake.partner "grpc_listen" (printf "0.0.0.0:%d" (int .Values.partnerApi.containerPort)) -}}
{{- if not $c.intake.email.imap.ca_file -}}
{{- $_ := set $c.intake.email.imap "ca_file" (include "tekmerkez-lib.caBundlePath" .) -}}
{{- end -}}
{{- with (.Values.global).categories -}}
{{- $_ := set $c.intake "categories" . -}}
{{- end -}}
{{- with (.Values.global).institution -}}
{{- $_ := set $c "institution" (dict "name" . "short_name" .) -}}
{{- end -}}
{{- $_ := set $c "notify" (dict "email" (dict "smtputf8" (eq (toString (.Values.global).smtputf8) "true"))) -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return intake's environment beyond the base: Kafka brokers, the case
service's URL, and the secrets: the database URL and intake's bearer token
always, each channel's own only while that channel is on (so the Secret
needs no key for a channel that is off).
*/}}
{{/*
Return the reports service's URL for GET /v1/reports/summary:
reportsService.url, else http://<release>-reports:50055; empty when
reportsService.enabled is false (the route then answers 503).
*/}}
{{- define "intake.reportsServiceUrl" -}}
{{- if .Values.reportsService.enabled -}}
{{- default (printf "http://%s-reports:50055" .Release.Name) .Values.reportsService.url -}}
{{- end -}}
{{- end -}}

{{- define "intake.env" -}}
{{- $k := .Values.secretKeys -}}
{{- $i := .Values.config.intake -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
- name: TEKMERKEZ__INTAKE__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
- name: TEKMERKEZ__INTAKE__REPORTS_SERVICE_URL
  value: {{ include "intake.reportsServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__DATABASE_URL" "key" $k.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__CASE_SERVICE__TOKEN" "key" $k.caseServiceToken) | nindent 0 }}
{{- if $i.staff.enabled }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__STAFF__TOKEN" "key" (required "secretKeys.staffToken: config.intake.staff.enabled needs the staff entry token" $k.staffToken)) | nindent 0 }}
{{- end }}
{{- if $i.email.enabled }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__EMAIL__IMAP__PASSWORD" "key" $k.imapPassword) | nindent 0 }}
{{- end }}
{{- if $i.cti.enabled }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__CTI__SIGNING_SECRET" "key" (required "secretKeys.ctiSigningSecret: config.intake.cti.enabled needs it" $k.ctiSigningSecret)) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__CTI__LOOKUP_TOKEN" "key" (required "secretKeys.ctiLookupToken: config.intake.cti.enabled needs it" $k.ctiLookupToken)) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__CTI__CALLER_INDEX_KEY" "key" (required "secretKeys.ctiCallerIndexKey: config.intake.cti.enabled needs it" $k.ctiCallerIndexKey)) | nindent 0 }}
{{- end }}
{{- range $ch := list "whatsapp" "messenger" "instagram" }}
{{- if (index $i.social $ch).enabled }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" $ "name" (printf "TEKMERKEZ__INTAKE__SOCIAL__%s__VERIFY_TOKEN" (upper $ch)) "key" (required (printf "secretKeys.%sVerifyToken: config.intake.social.%s.enabled needs it" $ch $ch) (index $k (printf "%sVerifyToken" $ch)))) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" $ "name" (printf "TEKMERKEZ__INTAKE__SOCIAL__%s__APP_SECRET" (upper $ch)) "key" (required (printf "secretKeys.%sAppSecret: config.intake.social.%s.enabled needs it" $ch $ch) (index $k (printf "%sAppSecret" $ch)))) | nindent 0 }}
{{- end }}
{{- end }}
{{- if $i.social.x.enabled }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__INTAKE__SOCIAL__X__CONSUMER_SECRET" "key" (required "secretKeys.xConsumerSecret: config.intake.social.x.enabled needs it" $k.xConsumerSecret)) | nindent 0 }}
{{- end }}
{{- end -}}

{{/*
Return the partner API's extra port (a list of one dict for the library's
deployment, service and networkpolicy templates), or an empty list while
config.intake.partner.enabled is false.
*/}}
{{- define "intake.partnerPorts" -}}
{{- $p := .Values.partnerApi -}}
{{- if .Values.config.intake.partner.enabled -}}
{{- list (dict "name" "partner" "appProtocol" "grpc" "port" (int $p.containerPort) "servicePort" (int $p.servicePort) "allowExternal" $p.allowExternal "ingressFrom" $p.ingressFrom) | toJson -}}
{{- else -}}
[]
{{- end -}}
{{- end -}}
