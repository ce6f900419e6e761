{{/*
Return the chart's short name: nameOverride, else the chart's name.
*/}}
{{- define "tekmerkez-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Return the full name of the service's objects: fullnameOverride, else
"<release>-<chart name>" (always both, so the other charts can find the case
service as "<release>-case" without knowing how the release was named).
*/}}
{{- define "tekmerkez-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "tekmerkez-lib.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
Return "name-version" for the helm.sh/chart label.
*/}}
{{- define "tekmerkez-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Return the labels that select the service's pods (never change them on upgrade).
*/}}
{{- define "tekmerkez-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tekmerkez-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Return every label of the service's objects.
*/}}
{{- define "tekmerkez-lib.labels" -}}
helm.sh/chart: {{ include "tekmerkez-lib.chart" . }}
{{ include "tekmerkez-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ include "tekmerkez-lib.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: {{ .Chart.Name }}
app.kubernetes.io/part-of: tekmerkez
{{- end -}}

{{/*
Return the image tag: global.image.tag, else image.tag, else the chart's appVersion.
*/}}
{{- define "tekmerkez-lib.imageTag" -}}
{{- $g := (.Values.global).image | default dict -}}
{{- coalesce $g.tag .Values.image.tag .Chart.AppVersion | toString -}}
{{- end -}}

{{/*
Return the image reference: global.image.repository (when set) or
image.repository, with the tag from tekmerkez-lib.imageTag.
*/}}
{{- define "tekmerkez-lib.image" -}}
{{- $g := (.Values.global).image | default dict -}}
{{- printf "%s:%s" (coalesce $g.repository .Values.image.repository) (include "tekmerkez-lib.imageTag" .) -}}
{{- end -}}

{{/*
Return the image pull policy: global.image.pullPolicy when set, else image.pullPolicy.
*/}}
{{- define "tekmerkez-lib.imagePullPolicy" -}}
{{- $g := (.Values.global).image | default dict -}}
{{- coalesce $g.pullPolicy .Values.image.pullPolicy -}}
{{- end -}}

{{/*
Return the imagePullSecrets block (global and chart names together), or nothing.
*/}}
{{- define "tekmerkez-lib.imagePullSecrets" -}}
{{- $names := concat ((.Values.global).imagePullSecrets | default list) (.Values.imagePullSecrets | default list) | uniq -}}
{{- if $names -}}
imagePullSecrets:
{{- range $names }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Return the ServiceAccount's name: serviceAccount.name, else the full name when
the chart creates it, else "default".
*/}}
{{- define "tekmerkez-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tekmerkez-lib.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Return the name of the existing Secret the service's secrets come from:
existingSecret, else global.existingSecret. Fails when both are empty.
*/}}
{{- define "tekmerkez-lib.secretName" -}}
{{- $name := coalesce .Values.existingSecret ((.Values.global).existingSecret) -}}
{{- required "set existingSecret (or global.existingSecret): the name of an existing Secret holding the service's keys" $name -}}
{{- end -}}

{{/*
Return the Kafka bootstrap servers: kafka.brokers, else global.kafka.brokers.
*/}}
{{- define "tekmerkez-lib.kafkaBrokers" -}}
{{- $name := coalesce .Values.kafka.brokers (((.Values.global).kafka).brokers) -}}
{{- required "set kafka.brokers (or global.kafka.brokers): the Kafka bootstrap servers, host:port[,host:port]" $name -}}
{{- end -}}

{{/*
Return the in-cluster URL of the case service's gRPC port: caseService.url,
else http://<release>-case:<global.caseService.port> (the umbrella's naming).
*/}}
{{- define "tekmerkez-lib.caseServiceUrl" -}}
{{- $port := (((.Values.global).caseService).port) | default 50051 -}}
{{- default (printf "http://%s-case:%d" .Release.Name (int $port)) .Values.caseService.url -}}
{{- end -}}

{{/*
Return one env entry read from the service's existing Secret.
Takes a dict: ctx (the chart's root context), name (the variable), key (the
Secret's key; empty renders nothing) and optional (bool).
*/}}
{{- define "tekmerkez-lib.secretEnv" -}}
{{- if .key -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ default (include "tekmerkez-lib.secretName" .ctx) .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/*
Return the "kafka:" section of the config file: the chart's client tuning
(config.kafka) with the release-wide topic layout from global.kafka.
*/}}
{{- define "tekmerkez-lib.kafkaConfig" -}}
{{- $g := ((.Values.global).kafka) | default dict -}}
{{- $k := deepCopy .Values.config.kafka -}}
{{- $_ := set $k "topic_prefix" (default "" $g.topicPrefix) -}}
{{- $_ := set $k "partitions" (int (default 6 $g.partitions)) -}}
{{- $_ := set $k "replication_factor" (int (default 3 $g.replicationFactor)) -}}
{{- $retention := -1 -}}
{{- if hasKey $g "caseEventsRetentionMs" -}}{{- $retention = $g.caseEventsRetentionMs -}}{{- end -}}
{{- $_ := set $k "topic_retention" (list (dict "topic" "case.events.v1" "retention_ms" (int64 $retention)) (dict "topic" "intake.calls.v1" "retention_ms" (int64 $retention))) -}}
{{- toYaml $k -}}
{{- end -}}
