{{/*
Return the gateway's production.yaml: config with the chart-owned keys
(listen address, no migration on start, the categories from
global.categories when set).
*/}}
{{- define "gateway.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $_ := set $c.gateway "http" (dict "listen" (printf "0.0.0.0:%d" (int .Values.containerPort))) -}}
{{- $_ := set $c.gateway "migrate_on_start" false -}}
{{- with (.Values.global).categories -}}
{{- $_ := set $c.gateway "categories" . -}}
{{- end -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return the routing service's URL for the rules page: routingService.url,
else http://<release>-routing:50052; empty when routingService.enabled is
false (the gateway then hides the page).
*/}}
{{- define "gateway.routingServiceUrl" -}}
{{- if .Values.routingService.enabled -}}
{{- default (printf "http://%s-routing:50052" .Release.Name) .Values.routingService.url -}}
{{- end -}}
{{- end -}}

{{/*
Return the gateway's environment beyond the base: the case and routing
services' URLs and the secrets (database URL for sessions, the gateway's
bearer token).
*/}}
{{- define "gateway.env" -}}
- name: TEKMERKEZ__GATEWAY__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
- name: TEKMERKEZ__GATEWAY__ROUTING_SERVICE_URL
  value: {{ include "gateway.routingServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__GATEWAY__DATABASE_URL" "key" .Values.secretKeys.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__GATEWAY__CASE_SERVICE__TOKEN" "key" .Values.secretKeys.caseServiceToken) | nindent 0 }}
{{- end -}}
