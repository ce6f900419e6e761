{{/*
Return one probe (startupProbe, livenessProbe or readinessProbe), or nothing.
Takes a dict:
  probe   the probe's values: enabled and timings (initialDelaySeconds,
          periodSeconds, timeoutSeconds, failureThreshold, successThreshold)
  custom  a full Kubernetes Probe that replaces the default when not empty
  kind    "grpc" (grpc.health.v1, service ""), "http" (GET path) or "tcp"
  port    the container port (a number; grpc probes need one)
  path    the HTTP path, for kind "http"
*/}}
{{- define "tekmerkez-lib.probe" -}}
{{- if .custom -}}
{{- toYaml .custom -}}
{{- else if .probe.enabled -}}
{{- if eq .kind "grpc" -}}
grpc:
  port: {{ .port }}
{{- else if eq .kind "http" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
  scheme: HTTP
{{- else if eq .kind "tcp" -}}
tcpSocket:
  port: {{ .port }}
{{- else -}}
{{- fail (printf "unknown probe kind %q" .kind) -}}
{{- end }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
successThreshold: {{ .probe.successThreshold }}
{{- end -}}
{{- end -}}

{{/*
Return the three probe blocks of the container.
Takes a dict: ctx, port, and for each probe its kind and path:
startupKind, livenessKind, readinessKind, path; readinessPort (optional)
probes readiness on another port (intake's partner API, whose gRPC health
follows its database).
*/}}
{{- define "tekmerkez-lib.probes" -}}
{{- $v := .ctx.Values -}}
{{- $p := $v.probes -}}
{{- with (include "tekmerkez-lib.probe" (dict "probe" $p.startupProbe "custom" $v.customStartupProbe "kind" .startupKind "port" .port "path" .path)) }}
startupProbe:
  {{- . | nindent 2 }}
{{- end }}
{{- with (include "tekmerkez-lib.probe" (dict "probe" $p.livenessProbe "custom" $v.customLivenessProbe "kind" .livenessKind "port" .port "path" .path)) }}
livenessProbe:
  {{- . | nindent 2 }}
{{- end }}
{{- with (include "tekmerkez-lib.probe" (dict "probe" $p.readinessProbe "custom" $v.customReadinessProbe "kind" .readinessKind "port" (.readinessPort | default .port) "path" .path)) }}
readinessProbe:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}
