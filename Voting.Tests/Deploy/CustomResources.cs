using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

#pragma warning disable CA2227, CA1002 // Deserialization targets: settable collections, List<T>.

namespace Voting.Tests.Deploy;

// Typed models of the custom resources deploy/ uses, so KubernetesYaml's strict mode rejects a
// misspelled field in them as it does in built-in kinds. Written from the upstream CRDs at the
// pinned versions: Traefik's as shipped in its Helm chart 41.3.0 (traefik.io/v1alpha1, Traefik
// v3.7), CloudNativePG 1.30.0's Cluster and ScheduledBackup (postgresql.cnpg.io/v1), and the
// Barman Cloud Plugin 0.14.0's ObjectStore (barmancloud.cnpg.io/v1). Only the parts of the schemas
// deploy/ can plausibly use are modelled: an unmodelled but valid field fails loudly, and is then
// added here after checking the CRD. Enumerations and required fields the CRDs declare are checked
// in UpstreamSchemaTests.

internal abstract class CustomResource<TSpec> : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public TSpec? Spec { get; set; }
}

internal sealed class IngressRoute : CustomResource<IngressRouteSpec>;

internal sealed class IngressRouteSpec
{
    [JsonPropertyName("entryPoints")] public List<string>? EntryPoints { get; set; }
    [JsonPropertyName("routes")] public List<IngressRouteRoute> Routes { get; set; } = [];
    [JsonPropertyName("tls")] public IngressRouteTls? Tls { get; set; }
}

internal sealed class IngressRouteRoute
{
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("match")] public string Match { get; set; } = "";
    [JsonPropertyName("priority")] public int? Priority { get; set; }
    [JsonPropertyName("syntax")] public string? Syntax { get; set; }
    [JsonPropertyName("middlewares")] public List<TraefikReference>? Middlewares { get; set; }
    [JsonPropertyName("services")] public List<TraefikService> Services { get; set; } = [];
    [JsonPropertyName("observability")] public TraefikObservability? Observability { get; set; }
}

internal sealed class TraefikObservability
{
    [JsonPropertyName("accessLogs")] public bool? AccessLogs { get; set; }
    [JsonPropertyName("metrics")] public bool? Metrics { get; set; }
    [JsonPropertyName("tracing")] public bool? Tracing { get; set; }
}

internal sealed class TraefikReference
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
}

internal sealed class TraefikService
{
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("namespace")] public string? Namespace { get; set; }
    [JsonPropertyName("port")] public IntOrString? Port { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("strategy")] public string? Strategy { get; set; }
    [JsonPropertyName("weight")] public int? Weight { get; set; }
    [JsonPropertyName("passHostHeader")] public bool? PassHostHeader { get; set; }
    [JsonPropertyName("serversTransport")] public string? ServersTransport { get; set; }
    [JsonPropertyName("nativeLB")] public bool? NativeLB { get; set; }
    [JsonPropertyName("nodePortLB")] public bool? NodePortLB { get; set; }
    [JsonPropertyName("responseForwarding")] public TraefikResponseForwarding? ResponseForwarding { get; set; }
    [JsonPropertyName("sticky")] public TraefikSticky? Sticky { get; set; }
}

internal sealed class TraefikResponseForwarding
{
    [JsonPropertyName("flushInterval")] public string? FlushInterval { get; set; }
}

internal sealed class TraefikSticky
{
    [JsonPropertyName("cookie")] public TraefikStickyCookie? Cookie { get; set; }
}

internal sealed class TraefikStickyCookie
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("secure")] public bool? Secure { get; set; }
    [JsonPropertyName("httpOnly")] public bool? HttpOnly { get; set; }
    [JsonPropertyName("sameSite")] public string? SameSite { get; set; }
    [JsonPropertyName("maxAge")] public int? MaxAge { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("domain")] public string? Domain { get; set; }
}

internal sealed class IngressRouteTls
{
    [JsonPropertyName("secretName")] public string? SecretName { get; set; }
    [JsonPropertyName("certResolver")] public string? CertResolver { get; set; }
    [JsonPropertyName("options")] public TraefikReference? Options { get; set; }
    [JsonPropertyName("store")] public TraefikReference? Store { get; set; }
    [JsonPropertyName("domains")] public List<TraefikDomain>? Domains { get; set; }
}

internal sealed class TraefikDomain
{
    [JsonPropertyName("main")] public string? Main { get; set; }
    [JsonPropertyName("sans")] public List<string>? Sans { get; set; }
}

internal sealed class Middleware : CustomResource<MiddlewareSpec>;

internal sealed class MiddlewareSpec
{
    [JsonPropertyName("rateLimit")] public TraefikRateLimit? RateLimit { get; set; }
    [JsonPropertyName("headers")] public TraefikHeaders? Headers { get; set; }
    [JsonPropertyName("compress")] public TraefikCompress? Compress { get; set; }
}

internal sealed class TraefikRateLimit
{
    [JsonPropertyName("average")] public long? Average { get; set; }
    [JsonPropertyName("period")] public IntOrString? Period { get; set; }
    [JsonPropertyName("burst")] public long? Burst { get; set; }
    [JsonPropertyName("sourceCriterion")] public TraefikSourceCriterion? SourceCriterion { get; set; }
}

internal sealed class TraefikSourceCriterion
{
    [JsonPropertyName("ipStrategy")] public TraefikIPStrategy? IPStrategy { get; set; }
    [JsonPropertyName("requestHeaderName")] public string? RequestHeaderName { get; set; }
    [JsonPropertyName("requestHost")] public bool? RequestHost { get; set; }
}

internal sealed class TraefikIPStrategy
{
    [JsonPropertyName("depth")] public int? Depth { get; set; }
    [JsonPropertyName("excludedIPs")] public List<string>? ExcludedIPs { get; set; }
    [JsonPropertyName("ipv6Subnet")] public int? IPv6Subnet { get; set; }
}

internal sealed class TraefikHeaders
{
    [JsonPropertyName("customRequestHeaders")] public Dictionary<string, string>? CustomRequestHeaders { get; set; }
    [JsonPropertyName("customResponseHeaders")] public Dictionary<string, string>? CustomResponseHeaders { get; set; }
    [JsonPropertyName("accessControlAllowCredentials")] public bool? AccessControlAllowCredentials { get; set; }
    [JsonPropertyName("accessControlAllowHeaders")] public List<string>? AccessControlAllowHeaders { get; set; }
    [JsonPropertyName("accessControlAllowMethods")] public List<string>? AccessControlAllowMethods { get; set; }
    [JsonPropertyName("accessControlAllowOriginList")] public List<string>? AccessControlAllowOriginList { get; set; }
    [JsonPropertyName("accessControlAllowOriginListRegex")] public List<string>? AccessControlAllowOriginListRegex { get; set; }
    [JsonPropertyName("accessControlExposeHeaders")] public List<string>? AccessControlExposeHeaders { get; set; }
    [JsonPropertyName("accessControlMaxAge")] public long? AccessControlMaxAge { get; set; }
    [JsonPropertyName("addVaryHeader")] public bool? AddVaryHeader { get; set; }
    [JsonPropertyName("allowedHosts")] public List<string>? AllowedHosts { get; set; }
    [JsonPropertyName("hostsProxyHeaders")] public List<string>? HostsProxyHeaders { get; set; }
    [JsonPropertyName("sslProxyHeaders")] public Dictionary<string, string>? SslProxyHeaders { get; set; }
    [JsonPropertyName("stsSeconds")] public long? StsSeconds { get; set; }
    [JsonPropertyName("stsIncludeSubdomains")] public bool? StsIncludeSubdomains { get; set; }
    [JsonPropertyName("stsPreload")] public bool? StsPreload { get; set; }
    [JsonPropertyName("forceSTSHeader")] public bool? ForceSTSHeader { get; set; }
    [JsonPropertyName("frameDeny")] public bool? FrameDeny { get; set; }
    [JsonPropertyName("customFrameOptionsValue")] public string? CustomFrameOptionsValue { get; set; }
    [JsonPropertyName("contentTypeNosniff")] public bool? ContentTypeNosniff { get; set; }
    [JsonPropertyName("browserXssFilter")] public bool? BrowserXssFilter { get; set; }
    [JsonPropertyName("customBrowserXSSValue")] public string? CustomBrowserXSSValue { get; set; }
    [JsonPropertyName("contentSecurityPolicy")] public string? ContentSecurityPolicy { get; set; }
    [JsonPropertyName("contentSecurityPolicyReportOnly")] public string? ContentSecurityPolicyReportOnly { get; set; }
    [JsonPropertyName("publicKey")] public string? PublicKey { get; set; }
    [JsonPropertyName("referrerPolicy")] public string? ReferrerPolicy { get; set; }
    [JsonPropertyName("permissionsPolicy")] public string? PermissionsPolicy { get; set; }
    [JsonPropertyName("isDevelopment")] public bool? IsDevelopment { get; set; }
}

internal sealed class TraefikCompress
{
    [JsonPropertyName("excludedContentTypes")] public List<string>? ExcludedContentTypes { get; set; }
    [JsonPropertyName("includedContentTypes")] public List<string>? IncludedContentTypes { get; set; }
    [JsonPropertyName("minResponseBodyBytes")] public int? MinResponseBodyBytes { get; set; }
    [JsonPropertyName("defaultEncoding")] public string? DefaultEncoding { get; set; }
    [JsonPropertyName("encodings")] public List<string>? Encodings { get; set; }
}

internal sealed class CnpgCluster : CustomResource<CnpgClusterSpec>;

internal sealed class CnpgClusterSpec
{
    [JsonPropertyName("instances")] public int Instances { get; set; }
    [JsonPropertyName("imageName")] public string? ImageName { get; set; }
    [JsonPropertyName("primaryUpdateStrategy")] public string? PrimaryUpdateStrategy { get; set; }
    [JsonPropertyName("primaryUpdateMethod")] public string? PrimaryUpdateMethod { get; set; }
    [JsonPropertyName("bootstrap")] public CnpgBootstrap? Bootstrap { get; set; }
    [JsonPropertyName("storage")] public CnpgStorage? Storage { get; set; }
    [JsonPropertyName("walStorage")] public CnpgStorage? WalStorage { get; set; }
    [JsonPropertyName("affinity")] public CnpgAffinity? Affinity { get; set; }
    [JsonPropertyName("resources")] public V1ResourceRequirements? Resources { get; set; }
    [JsonPropertyName("postgresql")] public CnpgPostgresql? Postgresql { get; set; }
    [JsonPropertyName("monitoring")] public CnpgMonitoring? Monitoring { get; set; }
    [JsonPropertyName("managed")] public CnpgManaged? Managed { get; set; }
    [JsonPropertyName("plugins")] public List<CnpgPlugin>? Plugins { get; set; }
}

internal sealed class CnpgManaged
{
    [JsonPropertyName("roles")] public List<CnpgRole>? Roles { get; set; }
}

internal sealed class CnpgRole
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("ensure")] public string? Ensure { get; set; }
    [JsonPropertyName("login")] public bool? Login { get; set; }
    [JsonPropertyName("superuser")] public bool? Superuser { get; set; }
    [JsonPropertyName("createdb")] public bool? Createdb { get; set; }
    [JsonPropertyName("connectionLimit")] public long? ConnectionLimit { get; set; }
    [JsonPropertyName("passwordSecret")] public TraefikReference? PasswordSecret { get; set; }
}

internal sealed class CnpgPlugin
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
    [JsonPropertyName("isWALArchiver")] public bool? IsWALArchiver { get; set; }
    [JsonPropertyName("parameters")] public Dictionary<string, string>? Parameters { get; set; }
}

internal sealed class CnpgScheduledBackup : CustomResource<CnpgScheduledBackupSpec>;

internal sealed class CnpgScheduledBackupSpec
{
    [JsonPropertyName("schedule")] public string Schedule { get; set; } = "";
    [JsonPropertyName("cluster")] public TraefikReference? Cluster { get; set; }
    [JsonPropertyName("method")] public string? Method { get; set; }
    [JsonPropertyName("pluginConfiguration")] public CnpgPluginConfiguration? PluginConfiguration { get; set; }
    [JsonPropertyName("backupOwnerReference")] public string? BackupOwnerReference { get; set; }
    [JsonPropertyName("immediate")] public bool? Immediate { get; set; }
    [JsonPropertyName("suspend")] public bool? Suspend { get; set; }
    [JsonPropertyName("target")] public string? Target { get; set; }
}

internal sealed class CnpgPluginConfiguration
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("parameters")] public Dictionary<string, string>? Parameters { get; set; }
}

internal sealed class BarmanObjectStore : CustomResource<BarmanObjectStoreSpec>;

internal sealed class BarmanObjectStoreSpec
{
    [JsonPropertyName("configuration")] public BarmanConfiguration Configuration { get; set; } = new();
    [JsonPropertyName("retentionPolicy")] public string? RetentionPolicy { get; set; }
}

internal sealed class BarmanConfiguration
{
    [JsonPropertyName("destinationPath")] public string DestinationPath { get; set; } = "";
    [JsonPropertyName("endpointURL")] public string? EndpointURL { get; set; }
    [JsonPropertyName("endpointCA")] public V1SecretKeySelector? EndpointCA { get; set; }
    [JsonPropertyName("s3Credentials")] public BarmanS3Credentials? S3Credentials { get; set; }
    [JsonPropertyName("wal")] public BarmanWal? Wal { get; set; }
    [JsonPropertyName("data")] public BarmanData? Data { get; set; }
}

internal sealed class BarmanS3Credentials
{
    [JsonPropertyName("accessKeyId")] public V1SecretKeySelector? AccessKeyId { get; set; }
    [JsonPropertyName("secretAccessKey")] public V1SecretKeySelector? SecretAccessKey { get; set; }
    [JsonPropertyName("region")] public V1SecretKeySelector? Region { get; set; }
    [JsonPropertyName("sessionToken")] public V1SecretKeySelector? SessionToken { get; set; }
    [JsonPropertyName("inheritFromIAMRole")] public bool? InheritFromIAMRole { get; set; }
}

internal sealed class BarmanWal
{
    [JsonPropertyName("compression")] public string? Compression { get; set; }
    [JsonPropertyName("encryption")] public string? Encryption { get; set; }
    [JsonPropertyName("maxParallel")] public int? MaxParallel { get; set; }
}

internal sealed class BarmanData
{
    [JsonPropertyName("compression")] public string? Compression { get; set; }
    [JsonPropertyName("encryption")] public string? Encryption { get; set; }
    [JsonPropertyName("jobs")] public int? Jobs { get; set; }
    [JsonPropertyName("immediateCheckpoint")] public bool? ImmediateCheckpoint { get; set; }
}

internal sealed class CnpgBootstrap
{
    [JsonPropertyName("initdb")] public CnpgInitdb? Initdb { get; set; }
}

internal sealed class CnpgInitdb
{
    [JsonPropertyName("database")] public string? Database { get; set; }
    [JsonPropertyName("owner")] public string? Owner { get; set; }
    [JsonPropertyName("secret")] public TraefikReference? Secret { get; set; }
}

internal sealed class CnpgStorage
{
    [JsonPropertyName("size")] public string? Size { get; set; }
    [JsonPropertyName("storageClass")] public string? StorageClass { get; set; }
}

internal sealed class CnpgAffinity
{
    [JsonPropertyName("enablePodAntiAffinity")] public bool? EnablePodAntiAffinity { get; set; }
    [JsonPropertyName("topologyKey")] public string? TopologyKey { get; set; }
    [JsonPropertyName("podAntiAffinityType")] public string? PodAntiAffinityType { get; set; }
    [JsonPropertyName("nodeSelector")] public Dictionary<string, string>? NodeSelector { get; set; }
    [JsonPropertyName("tolerations")] public List<V1Toleration>? Tolerations { get; set; }
}

internal sealed class CnpgPostgresql
{
    [JsonPropertyName("parameters")] public Dictionary<string, string>? Parameters { get; set; }
}

internal sealed class CnpgMonitoring
{
    [JsonPropertyName("enablePodMonitor")] public bool? EnablePodMonitor { get; set; }
}

// prometheus-operator v0.93.0 (monitoring.coreos.com/v1): PodMonitor, ServiceMonitor and
// PrometheusRule as deploy/monitoring/kube-prometheus-stack uses them, read from the operator's
// CRDs (example/prometheus-operator-crd/*.yaml at that tag). Enumerations and duration patterns
// from the same CRDs are checked in Voting.Tests/Monitoring/MonitorObjectTests.cs.

internal sealed class PodMonitor : CustomResource<PodMonitorSpec>;

internal sealed class PodMonitorSpec
{
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public MonitorNamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("podMetricsEndpoints")] public List<PodMetricsEndpoint>? PodMetricsEndpoints { get; set; }
    [JsonPropertyName("jobLabel")] public string? JobLabel { get; set; }
    [JsonPropertyName("podTargetLabels")] public List<string>? PodTargetLabels { get; set; }
    [JsonPropertyName("sampleLimit")] public long? SampleLimit { get; set; }
    [JsonPropertyName("targetLimit")] public long? TargetLimit { get; set; }
    [JsonPropertyName("scrapeClass")] public string? ScrapeClass { get; set; }
    [JsonPropertyName("attachMetadata")] public MonitorAttachMetadata? AttachMetadata { get; set; }
}

internal sealed class PodMetricsEndpoint
{
    [JsonPropertyName("port")] public string? Port { get; set; }
    [JsonPropertyName("portNumber")] public int? PortNumber { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("scrapeTimeout")] public string? ScrapeTimeout { get; set; }
    [JsonPropertyName("honorLabels")] public bool? HonorLabels { get; set; }
    [JsonPropertyName("honorTimestamps")] public bool? HonorTimestamps { get; set; }
    [JsonPropertyName("filterRunning")] public bool? FilterRunning { get; set; }
    [JsonPropertyName("params")] public Dictionary<string, List<string>>? Params { get; set; }
    [JsonPropertyName("relabelings")] public List<MonitorRelabelConfig>? Relabelings { get; set; }
    [JsonPropertyName("metricRelabelings")] public List<MonitorRelabelConfig>? MetricRelabelings { get; set; }
}

internal sealed class ServiceMonitor : CustomResource<ServiceMonitorSpec>;

internal sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public MonitorNamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("endpoints")] public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
    [JsonPropertyName("jobLabel")] public string? JobLabel { get; set; }
    [JsonPropertyName("targetLabels")] public List<string>? TargetLabels { get; set; }
    [JsonPropertyName("podTargetLabels")] public List<string>? PodTargetLabels { get; set; }
    [JsonPropertyName("sampleLimit")] public long? SampleLimit { get; set; }
    [JsonPropertyName("targetLimit")] public long? TargetLimit { get; set; }
    [JsonPropertyName("scrapeClass")] public string? ScrapeClass { get; set; }
    [JsonPropertyName("serviceDiscoveryRole")] public string? ServiceDiscoveryRole { get; set; }
    [JsonPropertyName("attachMetadata")] public MonitorAttachMetadata? AttachMetadata { get; set; }
}

internal sealed class ServiceMonitorEndpoint
{
    [JsonPropertyName("port")] public string? Port { get; set; }
    [JsonPropertyName("targetPort")] public IntOrString? TargetPort { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("scrapeTimeout")] public string? ScrapeTimeout { get; set; }
    [JsonPropertyName("honorLabels")] public bool? HonorLabels { get; set; }
    [JsonPropertyName("honorTimestamps")] public bool? HonorTimestamps { get; set; }
    [JsonPropertyName("filterRunning")] public bool? FilterRunning { get; set; }
    [JsonPropertyName("params")] public Dictionary<string, List<string>>? Params { get; set; }
    [JsonPropertyName("relabelings")] public List<MonitorRelabelConfig>? Relabelings { get; set; }
    [JsonPropertyName("metricRelabelings")] public List<MonitorRelabelConfig>? MetricRelabelings { get; set; }
}

internal sealed class MonitorNamespaceSelector
{
    [JsonPropertyName("any")] public bool? Any { get; set; }
    [JsonPropertyName("matchNames")] public List<string>? MatchNames { get; set; }
}

internal sealed class MonitorAttachMetadata
{
    [JsonPropertyName("node")] public bool? Node { get; set; }
}

internal sealed class MonitorRelabelConfig
{
    [JsonPropertyName("sourceLabels")] public List<string>? SourceLabels { get; set; }
    [JsonPropertyName("separator")] public string? Separator { get; set; }
    [JsonPropertyName("targetLabel")] public string? TargetLabel { get; set; }
    [JsonPropertyName("regex")] public string? Regex { get; set; }
    [JsonPropertyName("modulus")] public long? Modulus { get; set; }
    [JsonPropertyName("replacement")] public string? Replacement { get; set; }
    [JsonPropertyName("action")] public string? Action { get; set; }
}

internal sealed class PrometheusRule : CustomResource<PrometheusRuleSpec>;

internal sealed class PrometheusRuleSpec
{
    [JsonPropertyName("groups")] public List<PrometheusRuleGroup>? Groups { get; set; }
}

internal sealed class PrometheusRuleGroup
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("query_offset")] public string? QueryOffset { get; set; }
    [JsonPropertyName("limit")] public int? Limit { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("partial_response_strategy")] public string? PartialResponseStrategy { get; set; }
    [JsonPropertyName("rules")] public List<PrometheusRuleEntry>? Rules { get; set; }
}

internal sealed class PrometheusRuleEntry
{
    [JsonPropertyName("record")] public string? Record { get; set; }
    [JsonPropertyName("alert")] public string? Alert { get; set; }
    [JsonPropertyName("expr")] public string Expr { get; set; } = "";
    [JsonPropertyName("for")] public string? For { get; set; }
    [JsonPropertyName("keep_firing_for")] public string? KeepFiringFor { get; set; }
    [JsonPropertyName("labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
}

// KEDA v2.20.2 (keda.sh/v1alpha1): ScaledObject and TriggerAuthentication as
// deploy/components/keda-worker uses them, read from config/crd/bases/keda.sh_*.yaml at that tag.

internal sealed class ScaledObject : CustomResource<ScaledObjectSpec>;

internal sealed class ScaledObjectSpec
{
    [JsonPropertyName("scaleTargetRef")] public KedaScaleTarget ScaleTargetRef { get; set; } = new();
    [JsonPropertyName("pollingInterval")] public int? PollingInterval { get; set; }
    [JsonPropertyName("initialCooldownPeriod")] public int? InitialCooldownPeriod { get; set; }
    [JsonPropertyName("cooldownPeriod")] public int? CooldownPeriod { get; set; }
    [JsonPropertyName("idleReplicaCount")] public int? IdleReplicaCount { get; set; }
    [JsonPropertyName("minReplicaCount")] public int? MinReplicaCount { get; set; }
    [JsonPropertyName("maxReplicaCount")] public int? MaxReplicaCount { get; set; }
    [JsonPropertyName("fallback")] public KedaFallback? Fallback { get; set; }
    [JsonPropertyName("advanced")] public KedaAdvanced? Advanced { get; set; }
    [JsonPropertyName("triggers")] public List<KedaTrigger> Triggers { get; set; } = [];
}

internal sealed class KedaScaleTarget
{
    [JsonPropertyName("apiVersion")] public string? ApiVersion { get; set; }
    [JsonPropertyName("kind")] public string? Kind { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("envSourceContainerName")] public string? EnvSourceContainerName { get; set; }
}

internal sealed class KedaFallback
{
    [JsonPropertyName("failureThreshold")] public int FailureThreshold { get; set; }
    [JsonPropertyName("replicas")] public int Replicas { get; set; }
    [JsonPropertyName("behavior")] public string? Behavior { get; set; }
}

internal sealed class KedaAdvanced
{
    [JsonPropertyName("restoreToOriginalReplicaCount")] public bool? RestoreToOriginalReplicaCount { get; set; }
    [JsonPropertyName("horizontalPodAutoscalerConfig")] public KedaHpaConfig? HorizontalPodAutoscalerConfig { get; set; }
}

internal sealed class KedaHpaConfig
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("behavior")] public V2HorizontalPodAutoscalerBehavior? Behavior { get; set; }
}

internal sealed class KedaTrigger
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("metadata")] public Dictionary<string, string> Metadata { get; set; } = [];
    [JsonPropertyName("authenticationRef")] public KedaAuthenticationRef? AuthenticationRef { get; set; }
    [JsonPropertyName("metricType")] public string? MetricType { get; set; }
    [JsonPropertyName("useCachedMetrics")] public bool? UseCachedMetrics { get; set; }
}

internal sealed class KedaAuthenticationRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("kind")] public string? Kind { get; set; }
}

internal sealed class TriggerAuthentication : CustomResource<TriggerAuthenticationSpec>;

internal sealed class TriggerAuthenticationSpec
{
    [JsonPropertyName("secretTargetRef")] public List<KedaSecretTargetRef>? SecretTargetRef { get; set; }
    [JsonPropertyName("env")] public List<KedaEnvRef>? Env { get; set; }
}

internal sealed class KedaSecretTargetRef
{
    [JsonPropertyName("parameter")] public string Parameter { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("key")] public string Key { get; set; } = "";
}

internal sealed class KedaEnvRef
{
    [JsonPropertyName("parameter")] public string Parameter { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("containerName")] public string? ContainerName { get; set; }
}
