{{/*
Return notify's production.yaml: config with the chart-owned keys (the gRPC
and report listen addresses, no migration on start: the hook Job migrates,
the institution, tracking page and the relay's SMTPUTF8 from global, the
SMTP CA file from caBundle when not set) and the release-wide Kafka topic layout.
*/}}
{{- define "notify.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $g := .Values.global | default dict -}}
{{- $n := $c.notify -}}
{{- $_ := set $n "grpc_listen" (printf "0.0.0.0:%d" (int .Values.containerPort)) -}}
{{- $_ := set $n "http_listen" (printf "0.0.0.0:%d" (int .Values.reports.containerPort)) -}}
{{- $_ := set $n "migrate_on_start" false -}}
{{- $_ := set $n "institution" (required "set global.institution: SMS and e-mails name the institution" $g.institution) -}}
{{- with $g.institution -}}
{{- $_ := set $c "institution" (dict "name" . "short_name" .) -}}
{{- end -}}
{{- $_ := set $n "tracking_url" (required "set global.trackingUrl: SMS and e-mails name the public tracking page" $g.trackingUrl) -}}
{{- $_ := set $n.email "smtputf8" (eq (toString $g.smtputf8) "true") -}}
{{- if not $n.public_url -}}
{{- $_ := set $n "public_url" (trimSuffix "/" (trimSuffix "/takip" $g.trackingUrl)) -}}
{{- end -}}
{{- if not $n.email.smtp.ca_file -}}
{{- $_ := set $n.email.smtp "ca_file" (include "tekmerkez-lib.caBundlePath" .) -}}
{{- end -}}
{{- if not $n.email.smtp.ca_file -}}
{{- $_ := unset $n.email.smtp "ca_file" -}}
{{- end -}}
{{- if not $c.telemetry.otlp_endpoint -}}
{{- $_ := unset $c.telemetry "otlp_endpoint" -}}
{{- end -}}
{{- $_ := set $c "kafka" (include "tekmerkez-lib.kafkaConfig" . | fromYaml) -}}
{{- toYaml $c -}}
{{- end -}}

{{/*
Return the name of the Secret holding the providers' credentials:
providers.existingSecret, else existingSecret, else global.existingSecret.
*/}}
{{- define "notify.providersSecret" -}}
{{- coalesce .Values.providers.existingSecret .Values.existingSecret ((.Values.global).existingSecret) -}}
{{- end -}}

{{/*
Return notify's environment beyond the base: Kafka brokers, the case
service's URL, the secrets (database URL, notify's bearer token, the token
the gateway reads the delivery log with, the signed-link secret and its
previous ones, the survey opt-out list's key) and each provider's credentials
while that provider is used (netgsm or webhook in config.notify.sms.order,
config.notify.email.transport smtp, each enabled social platform's account
tokens from providers.socialTokens).
*/}}
{{- define "notify.env" -}}
{{- $k := .Values.secretKeys -}}
{{- $p := .Values.providers.secretKeys -}}
{{- $n := .Values.config.notify -}}
{{- $sec := include "notify.providersSecret" . -}}
- name: TEKMERKEZ__KAFKA__BROKERS
  value: {{ include "tekmerkez-lib.kafkaBrokers" . | quote }}
- name: TEKMERKEZ__NOTIFY__CASE_SERVICE__URL
  value: {{ include "tekmerkez-lib.caseServiceUrl" . | quote }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__NOTIFY__DATABASE_URL" "key" $k.databaseUrl) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__NOTIFY__CASE_SERVICE__TOKEN" "key" $k.caseServiceToken) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__NOTIFY__API_TOKENS__GATEWAY" "key" $k.gatewayApiToken) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__SIGNED_LINKS__SECRET" "key" $k.signedLinkSecret) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__SIGNED_LINKS__PREVIOUS_SECRETS" "key" $k.signedLinkPreviousSecrets "optional" true) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "name" "TEKMERKEZ__NOTIFY__SURVEY__CONTACT_KEY" "key" $k.surveyContactKey) | nindent 0 }}
{{- if has "netgsm" $n.sms.order }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $sec "name" "TEKMERKEZ__NOTIFY__SMS__NETGSM__USERNAME" "key" (required "providers.secretKeys.netgsmUsername: netgsm is in config.notify.sms.order" $p.netgsmUsername)) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $sec "name" "TEKMERKEZ__NOTIFY__SMS__NETGSM__PASSWORD" "key" (required "providers.secretKeys.netgsmPassword: netgsm is in config.notify.sms.order" $p.netgsmPassword)) | nindent 0 }}
{{- end }}
{{- if has "webhook" $n.sms.order }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $sec "name" "TEKMERKEZ__NOTIFY__SMS__WEBHOOK__TOKEN" "key" (required "providers.secretKeys.webhookToken: webhook is in config.notify.sms.order (its token also guards the delivery reports)" $p.webhookToken)) | nindent 0 }}
{{- end }}
{{- if eq $n.email.transport "smtp" }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $sec "name" "TEKMERKEZ__NOTIFY__EMAIL__SMTP__USERNAME" "key" $p.smtpUsername) | nindent 0 }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $sec "name" "TEKMERKEZ__NOTIFY__EMAIL__SMTP__PASSWORD" "key" $p.smtpPassword) | nindent 0 }}
{{- end }}
{{- $social := $n.social | default dict -}}
{{- range $platform := list "whatsapp" "messenger" "instagram" "x" }}
{{- $on := (get $social $platform | default dict).enabled -}}
{{- $has := false -}}
{{- range $.Values.providers.socialTokens }}
{{- if eq .platform $platform }}
{{- $has = true -}}
{{- if $on }}
{{- include "tekmerkez-lib.secretEnv" (dict "ctx" $ "secret" $sec "name" (printf "TEKMERKEZ__NOTIFY__SOCIAL__%s__ACCESS_TOKENS__%s" (upper $platform) .accountId) "key" .key) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- if and $on (not $has) }}
{{- fail (printf "config.notify.social.%s.enabled needs a token: add {platform: %s, accountId, key} to providers.socialTokens" $platform $platform) }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Return the delivery-report port (a list of one dict for the library's
deployment, service and networkpolicy templates). Exposing it (ingress,
allowExternal, ingressFrom) without the webhook provider fails: its token
is what authenticates a report, and without it notify takes any caller's.
*/}}
{{- define "notify.reportPorts" -}}
{{- $r := .Values.reports -}}
{{- if and (or .Values.ingress.enabled $r.allowExternal $r.ingressFrom) (not (has "webhook" .Values.config.notify.sms.order)) -}}
{{- fail "the delivery-report port is exposed (ingress.enabled, reports.allowExternal or reports.ingressFrom) but webhook is not in config.notify.sms.order: without the webhook token any caller's report would be taken" -}}
{{- end -}}
{{- list (dict "name" "http" "appProtocol" "http" "port" (int $r.containerPort) "servicePort" (int $r.servicePort) "allowExternal" $r.allowExternal "ingressFrom" $r.ingressFrom) | toJson -}}
{{- end -}}
