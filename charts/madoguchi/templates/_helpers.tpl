{{/*
Shared helpers. Every service renders through the same Deployment / Service / ServiceAccount /
NetworkPolicy / PodDisruptionBudget definitions below, so the restricted security context,
the region pin and the network edges cannot drift apart between services.
*/}}

{{/* Every service (each has a NATS user, generated from madoguchi.shared.permissions). */}}
{{- define "madoguchi.services" -}}
ingest recognition translation redaction synthesis audit
{{- end -}}

{{/* The services this release runs: those not switched off with services.<name>.enabled=false
(only synthesis has the switch: a ward without speech output leaves it out). */}}
{{- define "madoguchi.enabledServices" -}}
{{- $enabled := list -}}
{{- range (include "madoguchi.services" . | splitList " ") -}}
{{- $svc := get $.Values.services . -}}
{{- if or (not (hasKey $svc "enabled")) $svc.enabled -}}
{{- $enabled = append $enabled . -}}
{{- end -}}
{{- end -}}
{{- join " " $enabled -}}
{{- end -}}

{{- define "madoguchi.name" -}}
{{- printf "madoguchi-%s" . -}}
{{- end -}}

{{- define "madoguchi.labels" -}}
{{- $root := .root -}}
app.kubernetes.io/name: {{ include "madoguchi.name" .service }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
app.kubernetes.io/part-of: madoguchi
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
{{- end -}}

{{- define "madoguchi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "madoguchi.name" .service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* The NATS server pods of the official chart (its selector labels). */}}
{{- define "madoguchi.natsSelector" -}}
app.kubernetes.io/name: nats
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "madoguchi.natsUrl" -}}
{{- if .Values.natsClient.url -}}
{{- .Values.natsClient.url -}}
{{- else if .Values.nats.enabled -}}
{{- printf "tls://%s:4222" .Values.nats.fullnameOverride -}}
{{- else -}}
{{- fail "natsClient.url is required when nats.enabled is false (an external NATS cluster)" -}}
{{- end -}}
{{- end -}}

{{/* Image reference; refuses "latest" (and an empty tag) so what runs is what was reviewed. */}}
{{- define "madoguchi.image" -}}
{{- $root := .root -}}
{{- $tag := $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- if or (eq $tag "latest") (hasPrefix "latest-" $tag) -}}
{{- fail "image.tag must not be \"latest\": pin a version (and ideally image.digests)" -}}
{{- end -}}
{{- if .variant -}}{{- $tag = printf "%s-%s" $tag .variant -}}{{- end -}}
{{- $ref := printf "%s/%s:%s" $root.Values.image.registry (include "madoguchi.name" .service) $tag -}}
{{- with get $root.Values.image.digests .service -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .) -}}
{{- fail (printf "image.digests.%s must look like sha256:<64 hex>" $.service) -}}
{{- end -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/*
Domestic data residency (日本国内の法が適用される環境): the checked region list. Fails the render
when it is empty or names a region outside residency.allowedRegions.
*/}}
{{- define "madoguchi.regions" -}}
{{- $res := .Values.residency -}}
{{- if not $res.regions -}}
{{- fail "residency.regions is empty: name the Japanese region(s) of your nodes (topology.kubernetes.io/region), e.g. --set residency.regions={ap-northeast-1}" -}}
{{- end -}}
{{- range $res.regions -}}
{{- if not (has . $res.allowedRegions) -}}
{{- fail (printf "residency.regions names %q, which is not in residency.allowedRegions (regions under Japanese law only)" .) -}}
{{- end -}}
{{- end -}}
{{- toJson $res.regions -}}
{{- end -}}

{{- define "madoguchi.regionAffinity" -}}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: topology.kubernetes.io/region
            operator: In
            values: {{ include "madoguchi.regions" . }}
{{- end -}}

{{/* Pod Security Standard "restricted", pod and container level. Always on. */}}
{{- define "madoguchi.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "madoguchi.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "madoguchi.peer" -}}
- namespaceSelector: {{ toJson .namespaceSelector }}
  podSelector: {{ toJson .podSelector }}
{{- end -}}
