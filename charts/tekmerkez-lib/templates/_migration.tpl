{{/*
Return the migration Job: a Helm pre-install,pre-upgrade hook that runs
"tekmerkez migrate" (every service's schema) before any Deployment changes.
A failed Job fails the install or upgrade and is kept for "kubectl logs"; a
successful one is deleted. The Job mounts no ConfigMap (hooks run before the
release's ordinary objects exist): migrate needs only the database URLs,
which it reads from the existing Secret. It uses the namespace's default
ServiceAccount unless migrations.serviceAccountName names another, because
the chart's own ServiceAccount does not exist yet either.
*/}}
{{- define "tekmerkez-lib.migrationJob" -}}
{{- $m := .Values.migrations -}}
{{- if $m.enabled -}}
{{- $secret := coalesce $m.existingSecret .Values.existingSecret ((.Values.global).existingSecret) -}}
{{- $secret = required "set migrations.existingSecret, existingSecret or global.existingSecret" $secret -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ printf "%s-migrate" (include "tekmerkez-lib.fullname" .) | trunc 63 | trimSuffix "-" }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "tekmerkez-lib.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $m.backoffLimit }}
  activeDeadlineSeconds: {{ $m.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ include "tekmerkez-lib.name" . }}-migrate
        app.kubernetes.io/instance: {{ .Release.Name }}
        app.kubernetes.io/component: migrations
        app.kubernetes.io/part-of: tekmerkez
    spec:
      restartPolicy: Never
      {{- with $m.serviceAccountName }}
      serviceAccountName: {{ . }}
      {{- end }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with (include "tekmerkez-lib.imagePullSecrets" .) }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "tekmerkez-lib.podSecurityContext" . | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "tekmerkez-lib.image" . | quote }}
          imagePullPolicy: {{ include "tekmerkez-lib.imagePullPolicy" . }}
          command:
            - {{ .Values.image.command | quote }}
          args:
            - migrate
          env:
            - name: APP_ENVIRONMENT
              value: production
            # No file there: migrate needs nothing but the database URLs.
            - name: TEKMERKEZ_CONFIG_DIR
              value: /etc/tekmerkez
            {{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $secret "name" "TEKMERKEZ__CASE__DATABASE__URL" "key" $m.secretKeys.caseDatabaseUrl) | nindent 12 }}
            {{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $secret "name" "TEKMERKEZ__INTAKE__DATABASE_URL" "key" $m.secretKeys.intakeDatabaseUrl) | nindent 12 }}
            {{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $secret "name" "TEKMERKEZ__ROUTING__DATABASE_URL" "key" $m.secretKeys.routingDatabaseUrl) | nindent 12 }}
            {{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $secret "name" "TEKMERKEZ__GATEWAY__DATABASE_URL" "key" $m.secretKeys.gatewayDatabaseUrl) | nindent 12 }}
            {{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $secret "name" "TEKMERKEZ__NOTIFY__DATABASE_URL" "key" $m.secretKeys.notifyDatabaseUrl) | nindent 12 }}
            {{- include "tekmerkez-lib.secretEnv" (dict "ctx" . "secret" $secret "name" "TEKMERKEZ__REPORTS__DATABASE_URL" "key" $m.secretKeys.reportsDatabaseUrl) | nindent 12 }}
          resources:
            {{- toYaml $m.resources | nindent 12 }}
          securityContext:
            {{- include "tekmerkez-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
{{- end -}}
