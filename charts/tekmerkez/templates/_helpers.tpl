{{/*
Return the Secret a service chart reads its keys from: its existingSecret,
else global.existingSecret. Takes a dict: v (the service's values) and g
(the globals).
*/}}
{{- define "tekmerkez.secretOf" -}}
{{- coalesce .v.existingSecret .g.existingSecret -}}
{{- end -}}
