{{- define "inmesh.name" -}}
{{- default "inmesh-webhook" .Values.nameOverride | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "inmesh.labels" -}}
app.kubernetes.io/name: inmesh-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: inmesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "inmesh.selectorLabels" -}}
app.kubernetes.io/name: inmesh-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "inmesh.webhookImage" -}}
{{ .Values.webhook.image.repository }}:{{ .Values.webhook.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "inmesh.agentImage" -}}
{{ .Values.agent.image.repository }}:{{ .Values.agent.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "inmesh.tlsSecret" -}}
{{ include "inmesh.name" . }}-tls
{{- end -}}

{{/* cert-manager or certgen, resolving "auto" from the cluster's APIs */}}
{{- define "inmesh.certProvider" -}}
{{- $p := .Values.certificates.provider -}}
{{- if eq $p "auto" -}}
{{- if .Capabilities.APIVersions.Has "cert-manager.io/v1" -}}cert-manager{{- else -}}certgen{{- end -}}
{{- else if or (eq $p "cert-manager") (eq $p "certgen") -}}
{{- $p -}}
{{- else -}}
{{- fail (printf "certificates.provider must be auto, cert-manager or certgen, not %q" $p) -}}
{{- end -}}
{{- end -}}
