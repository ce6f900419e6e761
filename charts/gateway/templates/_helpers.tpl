{{/*
Return the gateway's production.yaml: config with the chart-owned keys
(listen address, no migration on start, the categories from
global.categories when set, the receipt's institution and tracking page from
global.institution and global.trackingUrl).
*/}}
{{- define "gateway.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $g := .Values.global | default dict -}}
{{- $_ := set $c.gateway "http" (dict "listen" (printf "0.0.0.0:%d" (int .Values.containerPort))) -}}
{{- $_ := set $c.gateway "migrate_on_start" false -}}
{{- with $g.institution -}}
{{- $_ := set $c "institution" (dict "name" . "short_name" .) -}}
{{- end -}}
{{- with $g.categories -}}
{{- $_ := set $c.gateway "categories" . -}}
{{- end -}}
{{- if .Values.intakeService.enabled -}}
{{- $_ := set $c.gateway.entry "institution" (required "set global.institution: the receipt names the institution" $g.institution) -}}
{{- $_ := set $c.gateway.entry "tracking_url" (required "set global.trackingUrl: the receipt names the public tracking page" $g.trackingUrl) -}}
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
Return intake's HTTP URL for staff entry: intakeService.url, else
http://<release>-intake:8081; empty when intakeService.enabled is false
(the gateway then hides the entry screens).
*/}}
{{- define "gateway.intakeServiceUrl" -}}
{{- if .Values.intakeService.enabled -}}
{{- default (printf "http://%s-intake:8081" .Release.Name) .Values.intakeService.url -}}
{{- end -}}
{{- end -}}

{{/*
Return notify's gRPC URL for the delivery log: notifyService.url, else
http://<release>-notify:50053; empty when notifyService.enabled is false
(the gateway then hides the log).
*/}}
{{- define "gateway.notifyServiceUrl" -}}
{{- if .Values.notifyService.enabled -}}
{{- default (printf "http://%s-notify:50053" .Release.Name) .Values.notifyService.url -}}
{{- end -}}
{{- end -}}

{{/*
Return the reports service's gRPC URL for Raporlar: reportsService.url, else
http://<release>-reports:50055; empty when reportsService.enabled is false
(the gateway then hides the pages).
*/}}
{{- define "gateway.reportsServiceUrl" -}}
{{- if .Values.reportsService.enabled -}}
{{- default (printf "http://%s-reports:50055" .Release.Name) .Values.reportsService.url -}}
{{- end -}}
{{- end -}}

{{/*
Return the gateway's environment beyond the base: the case, routing, intake,
notify and reports URLs and the secrets (database URL for sessions, the gateway's
bearer token, the signed-link secret and its previous ones, and while staff entry is on intake's staff token and, if the
Secret has it, the CTI lookup token).
*/}}
{{- define "gateway.env" -}}
{{- $k := .Values.secretKeys -}}
- name: TEKMERKEZ__GATEWAY__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
- name: TEKMERKEZ__GATEWAY__ROUTING_SERVICE_URL
  value: {{ include "gateway.routingServiceUrl" . | quote }}
- name: TEKMERKEZ__GATEWAY__NOTIFY_SERVICE_URL
  value: {{ include "gateway.notifyServiceUrl" . | quote }}
- name: TEKMERKEZ__GATEWAY__REPORTS_SERVICE_URL
  value: {{ include "gateway.reportsServiceUrl" . | quote }}
- name: TEKMERKEZ__GATEWAY__ENTRY__INTAKE_URL
  value: {{ include "gateway.intakeServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__GATEWAY__DATABASE_URL" "key" $k.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__GATEWAY__CASE_SERVICE__TOKEN" "key" $k.caseServiceToken) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__SIGNED_LINKS__SECRET" "key" $k.signedLinkSecret) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__SIGNED_LINKS__PREVIOUS_SECRETS" "key" $k.signedLinkPreviousSecrets "optional" true) | nindent 0 }}
{{- if .Values.intakeService.enabled }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__GATEWAY__ENTRY__STAFF_TOKEN" "key" (required "secretKeys.staffToken: intakeService.enabled needs intake's staff entry token" $k.staffToken)) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__GATEWAY__ENTRY__CTI_LOOKUP_TOKEN" "key" $k.ctiLookupToken "optional" true) | nindent 0 }}
{{- end }}
{{- end -}}
