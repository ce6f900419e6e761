{{/*
Return the PodDisruptionBudget, when podDisruptionBudget.enabled is true.
*/}}
{{- define "tekmerkez-lib.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "tekmerkez-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "tekmerkez-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
Return the HorizontalPodAutoscaler, when autoscaling.enabled is true.
*/}}
{{- define "tekmerkez-lib.hpa" -}}
{{- $a := .Values.autoscaling -}}
{{- if $a.enabled -}}
{{- if and (not $a.targetCPUUtilizationPercentage) (not $a.targetMemoryUtilizationPercentage) -}}
{{- fail "autoscaling.enabled needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage above 0" -}}
{{- end -}}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) -}}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "tekmerkez-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "tekmerkez-lib.fullname" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- if $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- end }}
    {{- if $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $a.targetMemoryUtilizationPercentage }}
    {{- end }}
{{- end -}}
{{- end -}}

{{/*
Return the NetworkPolicy, when networkPolicy.enabled is true. Takes a dict:
  ctx        the chart's root context
  portName   the container port's name
  clients    the tekmerkez components (list of chart names) whose pods may
             connect, matched by app.kubernetes.io/part-of=tekmerkez and
             app.kubernetes.io/component
  extraPorts (optional) one more ingress rule per extra port: a list of
             dicts with name (the container port's), allowExternal (bool),
             ingressFrom (peers) and clients (chart names); closed to
             everyone when none of those admits anybody
Ingress is open to everyone when networkPolicy.allowExternal is true;
otherwise to the clients above and the peers in networkPolicy.ingressFrom.
Egress is restricted only when networkPolicy.egress.enabled is true: then DNS,
the release's own pods and networkPolicy.egress.to are allowed.
*/}}
{{- define "tekmerkez-lib.networkpolicy" -}}
{{- $ctx := .ctx -}}
{{- $np := $ctx.Values.networkPolicy -}}
{{- if $np.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "tekmerkez-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" $ctx | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tekmerkez-lib.selectorLabels" $ctx | nindent 6 }}
  policyTypes:
    - Ingress
    {{- if $np.egress.enabled }}
    - Egress
    {{- end }}
  ingress:
    - ports:
        - port: {{ .portName }}
          protocol: TCP
      {{- if not $np.allowExternal }}
      from:
        {{- if .clients }}
        - podSelector:
            matchExpressions:
              - key: app.kubernetes.io/part-of
                operator: In
                values:
                  - tekmerkez
              - key: app.kubernetes.io/component
                operator: In
                values:
                  {{- toYaml .clients | nindent 18 }}
        {{- end }}
        {{- range $np.ingressFrom }}
        - {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- if and (not .clients) (not $np.ingressFrom) }}
        # Nobody may connect: set networkPolicy.allowExternal or ingressFrom.
        - podSelector:
            matchLabels:
              tekmerkez.local/no-client: "true"
        {{- end }}
      {{- end }}
    {{- range .extraPorts }}
    - ports:
        - port: {{ .name }}
          protocol: TCP
      {{- if not .allowExternal }}
      from:
        {{- if .clients }}
        - podSelector:
            matchExpressions:
              - key: app.kubernetes.io/part-of
                operator: In
                values:
                  - tekmerkez
              - key: app.kubernetes.io/component
                operator: In
                values:
                  {{- toYaml .clients | nindent 18 }}
        {{- end }}
        {{- range .ingressFrom }}
        - {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- if and (not .clients) (not .ingressFrom) }}
        # Nobody may connect to this port: set its allowExternal or ingressFrom.
        - podSelector:
            matchLabels:
              tekmerkez.local/no-client: "true"
        {{- end }}
      {{- end }}
    {{- end }}
    {{- if $ctx.Values.metrics.enabled }}
    # Prometheus scrapes the metrics port (no personal data there); only
    # metrics.from when set.
    - ports:
        - port: metrics
          protocol: TCP
      {{- with $ctx.Values.metrics.from }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
  {{- if $np.egress.enabled }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: tekmerkez
    {{- range $np.egress.to }}
    - to:
        - ipBlock:
            cidr: {{ .cidr }}
      {{- with .ports }}
      ports:
        {{- range . }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      {{- end }}
    {{- end }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/*
Return the Ingress, when ingress.enabled is true. Takes a dict: ctx and
portName (the Service's port name).
*/}}
{{- define "tekmerkez-lib.ingress" -}}
{{- $ctx := .ctx -}}
{{- $in := $ctx.Values.ingress -}}
{{- $portName := .portName -}}
{{- if $in.enabled -}}
{{- $fullname := include "tekmerkez-lib.fullname" $ctx -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $fullname }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" $ctx | nindent 4 }}
  {{- with $in.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $in.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $in.tls }}
  tls:
    {{- range . }}
    - secretName: {{ .secretName }}
      hosts:
        {{- toYaml .hosts | nindent 8 }}
    {{- end }}
  {{- end }}
  rules:
    {{- range $in.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $fullname }}
                port:
                  name: {{ $portName }}
          {{- end }}
    {{- end }}
{{- end -}}
{{- end -}}
