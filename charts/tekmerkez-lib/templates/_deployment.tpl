{{/*
Return the container securityContext every tekmerkez container runs with: not
root, read-only root file system, no privilege escalation, no capabilities.
*/}}
{{- define "tekmerkez-lib.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Return the pod securityContext.
*/}}
{{- define "tekmerkez-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Return the environment every tekmerkez container gets: production settings
read from the mounted config directory, plus extraEnv.
*/}}
{{- define "tekmerkez-lib.baseEnv" -}}
- name: APP_ENVIRONMENT
  value: production
- name: TEKMERKEZ_CONFIG_DIR
  value: /etc/tekmerkez
{{- range .Values.extraEnv }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end -}}

{{/*
Return the scheduling fields of a pod spec (nodeSelector, tolerations,
topology spread across nodes).
*/}}
{{- define "tekmerkez-lib.scheduling" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .Values.topologySpread.maxSkew }}
    topologyKey: {{ .Values.topologySpread.topologyKey }}
    whenUnsatisfiable: {{ .Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "tekmerkez-lib.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/*
Return the service's Deployment. Takes a dict:
  ctx          the chart's root context
  command      the tekmerkez subcommand (case, intake, routing, gateway, notify)
  portName     "grpc" or "http"
  config       the rendered config file (its checksum rolls the pods on change)
  env          extra env entries (YAML list text), after the base ones
  extraPorts   more container ports: a list of dicts with name and port
               (intake's partner API, notify's delivery reports)
  startupKind, livenessKind, readinessKind, path   see tekmerkez-lib.probes
  readinessPort  the readiness probe's port when not containerPort
*/}}
{{- define "tekmerkez-lib.deployment" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "tekmerkez-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" $ctx | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "tekmerkez-lib.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "tekmerkez-lib.labels" $ctx | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ .config | sha256sum }}
        {{- if and $v.metrics.enabled $v.metrics.scrapeAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $v.metrics.port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "tekmerkez-lib.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      # Service links would add *_SERVICE_HOST variables; the binary reads only
      # TEKMERKEZ__* ones, but nothing here needs the others either.
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with (include "tekmerkez-lib.imagePullSecrets" $ctx) }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "tekmerkez-lib.podSecurityContext" $ctx | nindent 8 }}
      containers:
        - name: {{ .command }}
          image: {{ include "tekmerkez-lib.image" $ctx | quote }}
          imagePullPolicy: {{ include "tekmerkez-lib.imagePullPolicy" $ctx }}
          command:
            - {{ $v.image.command | quote }}
          args:
            - {{ .command | quote }}
          ports:
            - name: {{ .portName }}
              containerPort: {{ $v.containerPort }}
              protocol: TCP
            {{- range .extraPorts }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
            {{- if $v.metrics.enabled }}
            - name: metrics
              containerPort: {{ $v.metrics.port }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "tekmerkez-lib.baseEnv" $ctx | nindent 12 }}
            {{- if $v.metrics.enabled }}
            # Prometheus text format on /metrics, and /healthz.
            - name: TEKMERKEZ__TELEMETRY__METRICS_LISTEN
              value: {{ printf "0.0.0.0:%d" (int $v.metrics.port) | quote }}
            {{- end }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
          {{- with (include "tekmerkez-lib.probes" (dict "ctx" $ctx "port" $v.containerPort "readinessPort" .readinessPort "path" .path "startupKind" .startupKind "livenessKind" .livenessKind "readinessKind" .readinessKind) | trim) }}
          {{- . | nindent 10 }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "tekmerkez-lib.containerSecurityContext" $ctx | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: /etc/tekmerkez
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- with (include "tekmerkez-lib.caBundlePath" $ctx) }}
            - name: ca-bundle
              mountPath: {{ . | dir }}
              readOnly: true
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "tekmerkez-lib.fullname" $ctx }}
            items:
              - key: production.yaml
                path: production.yaml
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if (include "tekmerkez-lib.caBundlePath" $ctx) }}
        - name: ca-bundle
          configMap:
            name: {{ $v.caBundle.configMap }}
            items:
              - key: {{ $v.caBundle.key }}
                path: {{ $v.caBundle.key }}
        {{- end }}
      {{- with (include "tekmerkez-lib.scheduling" $ctx | trim) }}
      {{- . | nindent 6 }}
      {{- end }}
{{- end -}}

{{/*
Return the path in the pod of the private CA bundle (caBundle.configMap's
caBundle.key, mounted under /etc/tekmerkez-ca), or nothing when the chart
has no caBundle value or it names no ConfigMap.
*/}}
{{- define "tekmerkez-lib.caBundlePath" -}}
{{- $b := .Values.caBundle | default dict -}}
{{- if $b.configMap -}}
{{- printf "/etc/tekmerkez-ca/%s" $b.key -}}
{{- end -}}
{{- end -}}

{{/*
Return the ConfigMap holding the service's production.yaml. Takes a dict:
ctx and config (the file's text).
*/}}
{{- define "tekmerkez-lib.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "tekmerkez-lib.fullname" .ctx }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" .ctx | nindent 4 }}
data:
  production.yaml: |
    {{- .config | nindent 4 }}
{{- end -}}

{{/*
Return the ServiceAccount, when serviceAccount.create is true.
*/}}
{{- define "tekmerkez-lib.serviceaccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "tekmerkez-lib.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
{{- end -}}

{{/*
Return the Service. Takes a dict: ctx, portName ("grpc" or "http") and
extraPorts (optional): more ports, each a dict with name (the container
port's name), servicePort and appProtocol ("grpc" or "http").
*/}}
{{- define "tekmerkez-lib.service" -}}
{{- $v := .ctx.Values -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "tekmerkez-lib.fullname" .ctx }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" .ctx | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type }}
  {{- if ne $v.service.type "ClusterIP" }}
  externalTrafficPolicy: {{ $v.service.externalTrafficPolicy }}
  {{- end }}
  selector:
    {{- include "tekmerkez-lib.selectorLabels" .ctx | nindent 4 }}
  ports:
    - name: {{ .portName }}
      port: {{ $v.service.port }}
      targetPort: {{ .portName }}
      protocol: TCP
      {{- if eq .portName "grpc" }}
      appProtocol: grpc
      {{- else }}
      appProtocol: http
      {{- end }}
    {{- range .extraPorts }}
    - name: {{ .name }}
      port: {{ .servicePort }}
      targetPort: {{ .name }}
      protocol: TCP
      appProtocol: {{ .appProtocol }}
    {{- end }}
{{- end -}}
