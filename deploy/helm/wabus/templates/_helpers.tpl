{{/* The chart's name. */}}
{{- define "wabus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object's name: <release>-<chart>, or the release alone when it already names the chart. */}}
{{- define "wabus.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object; "component" is the service (or "topics"). Call with (dict "root" $ "component" name). */}}
{{- define "wabus.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: wabus
{{ include "wabus.selectorLabels" . }}
{{- end }}

{{/* The labels a service's pods are selected by. */}}
{{- define "wabus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wabus.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The image of every container. */}}
{{- define "wabus.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
  A service's kind, from its name: ingress takes the webhooks, every other service of the registry consumes the events
  (services/<name>/package.json says the same; test/deploy/chart.int.test.ts checks it). Not a value: a consumer kind
  on ingress, or the reverse, could only break it.
*/}}
{{- define "wabus.kind" -}}
{{ eq . "ingress" | ternary "ingress" (eq . "sender" | ternary "api" "consumer") }}
{{- end }}

{{/* A service's port variable, as the registry derives it (portEnvOf): message-store → MESSAGE_STORE_PORT. */}}
{{- define "wabus.portEnv" -}}
{{ . | upper | replace "-" "_" }}_PORT
{{- end }}

{{/* The Secret holding MONGODB_URI: the chart's, or yours. */}}
{{- define "wabus.mongodbSecret" -}}
{{ .Values.mongodb.existingSecret.name | default (printf "%s-mongodb" (include "wabus.fullname" .)) }}
{{- end }}

{{/* The Secret holding the tenants file: the chart's, or yours. */}}
{{- define "wabus.tenantsSecret" -}}
{{ .Values.tenants.existingSecret | default (printf "%s-tenants" (include "wabus.fullname" .)) }}
{{- end }}

{{/* A mounted file's content: an object as JSON, a string as it is. */}}
{{- define "wabus.fileContent" -}}
{{- if kindIs "string" . }}{{ trimSuffix "\n" . }}{{ else }}{{ toPrettyJson . }}{{ end }}
{{- end }}

{{/* The pod spec's start every workload of the chart shares: no service-account token, pull secrets, non-root. */}}
{{- define "wabus.podBase" -}}
automountServiceAccountToken: false
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Where the chart's long-running pods go: nodeSelector, tolerations, affinity. */}}
{{- define "wabus.podPlacement" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The tenants file's variables in a container: where it is mounted, and the secrets it names. */}}
{{- define "wabus.tenantsEnv" -}}
- name: WABUS_TENANTS_FILE
  value: {{ printf "%s/%s" .Values.tenants.mountPath .Values.tenants.key | quote }}
{{- range $variable, $_ := .Values.tenants.secretEnv }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ include "wabus.fullname" $ }}-tenants-env
      key: {{ $variable }}
{{- end }}
{{- end }}

{{/* A Secret of the operator's given as variables: call with (dict "name" <Secret> "keys" <list>). */}}
{{- define "wabus.existingSecretEnv" -}}
{{- $name := .name }}
{{- range .keys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ . }}
{{- end }}
{{- end }}

{{/* The tenants file's mount (container) and volume (pod). */}}
{{- define "wabus.tenantsMount" -}}
- name: tenants
  mountPath: {{ .Values.tenants.mountPath }}
  readOnly: true
{{- end }}
{{- define "wabus.tenantsVolume" -}}
- name: tenants
  secret:
    secretName: {{ include "wabus.tenantsSecret" . }}
    items:
      - key: {{ .Values.tenants.key }}
        path: {{ .Values.tenants.key }}
{{- end }}
