using static Voting.Tests.Deploy.ValuesSchema;

namespace Voting.Tests.Deploy;

/// <summary>
/// The Traefik Helm chart's values schema (chart 41.3.0, traefik/values.schema.json), written out
/// for the keys deploy/traefik uses, with the chart's own rules: the top level and every entry
/// under ports refuse unknown keys (additionalProperties: false), as do providers, api and
/// podDisruptionBudget; the types and enumerations are the chart's. Keys deploy/ does not use are
/// listed by name only. When the chart is bumped, read its schema at the new tag and update this.
/// </summary>
internal static class TraefikChartSchema
{
    public const string ChartVersion = "41.3.0";

    public const string AppVersion = "v3.7.11";

    // Top-level keys of the chart that deploy/traefik does not set.
    private static readonly string[] OtherTopLevel =
    [
        "additionalArguments", "additionalVolumeMounts", "affinity", "autoscaling", "certificatesResolvers", "commonLabels",
        "core", "enabled", "env", "envFrom", "experimental", "extraObjects", "fullnameOverride", "gateway", "gatewayClass",
        "global", "hostNetwork", "hub", "image", "ingressClass", "instanceLabelOverride", "livenessProbe", "nameOverride",
        "namespaceOverride", "nodeSelector", "oci_meta", "ocsp", "offering_version", "persistence", "podSecurityContext",
        "priorityClassName", "rbac", "readinessProbe", "securityContext", "serviceAccount", "serviceAccountAnnotations",
        "startupProbe", "tlsOptions", "tlsStore", "tolerations", "tracing", "updateStrategy", "versionOverride", "volumes",
    ];

    // Keys of one entry under ports that deploy/traefik does not set.
    private static readonly string[] OtherPortKeys =
    [
        "allowACMEByPass", "appProtocol", "asDefault", "containerPort", "hostIP", "hostPort", "http3", "nodePort",
        "observability", "protocol", "proxyProtocol", "targetPort", "transport", "uplink",
    ];

    private static readonly Map Port = new(
        With(OtherPortKeys, new Dictionary<string, ValuesSchema>(StringComparer.Ordinal)
        {
            ["port"] = Int,
            ["exposedPort"] = Int,
            ["expose"] = Open(("default", Bool)),
            ["forwardedHeaders"] = Open(("insecure", Bool), ("trustedIPs", List), ("notAppendXForwardedFor", Bool)),
            // Redirections live under http since chart 39 (ports.NAME.http.redirections).
            ["http"] = Open(
                ("redirections", Open(("entryPoint", FreeMap))),
                ("middlewares", Of("array", "null")),
                ("tls", Open(("enabled", Bool), ("certResolver", Str), ("options", Str), ("domains", List))),
                ("sanitizePath", Of("boolean", "null")),
                ("maxHeaderBytes", Of("integer", "null")),
                ("encodedCharacters", FreeMap),
                ("underscoreHeadersStrategy", OneOf("keep", "delete", "reject", null))),
        }),
        null);

    public static Map Schema { get; } = new(
        With(OtherTopLevel, new Dictionary<string, ValuesSchema>(StringComparer.Ordinal)
        {
            ["deployment"] = Open(("replicas", Of("integer", "null")), ("podAnnotations", FreeMap), ("kind", Str)),
            ["providers"] = Closed(
                ("kubernetesCRD", Closed(
                    ("enabled", Bool), ("allowCrossNamespace", Bool), ("allowEmptyServices", Bool), ("allowExternalNameServices", Bool),
                    ("crossProviderNamespaces", List), ("defaultTLSResourcesNamespace", Str), ("ingressClass", Str),
                    ("labelSelector", Str), ("namespaces", List), ("nativeLBByDefault", Bool), ("safeNaming", Bool))),
                ("kubernetesIngress", Closed(
                    ("enabled", Bool), ("allowEmptyServices", Bool), ("allowExternalNameServices", Bool), ("crossProviderNamespaces", List),
                    ("disableIngressClassLookup", Bool), ("ingressClass", Of("string", "null")), ("ingressEndpoint", FreeMap),
                    ("labelSelector", Of("string", "null")), ("namespaces", List), ("nativeLBByDefault", Bool),
                    ("publishedService", FreeMap), ("strictPrefixMatching", Bool))),
                ("file", Any), ("knative", Any), ("kubernetesGateway", Any), ("kubernetesIngressNGINX", Any), ("precedence", Any)),
            ["api"] = Closed(
                ("dashboard", Bool), ("basePath", Of("string", "null")), ("dashboardName", Of("string", "null")),
                ("debug", Of("boolean", "null")), ("disableDashboardAd", Of("boolean", "null")), ("insecure", Of("boolean", "null"))),
            ["ingressRoute"] = Open(
                ("dashboard", Open(("enabled", Bool), ("matchRule", Str), ("entryPoints", List), ("middlewares", List))),
                ("healthcheck", Any)),
            ["ports"] = new Map(new Dictionary<string, ValuesSchema>(StringComparer.Ordinal), Port),
            ["metrics"] = Open(
                ("prometheus", Open(
                    ("entryPoint", Str), ("addEntryPointsLabels", Of("boolean", "null")), ("addRoutersLabels", Of("boolean", "null")),
                    ("addServicesLabels", Of("boolean", "null")), ("buckets", Str), ("manualRouting", Bool)))),
            ["service"] = Open(("enabled", Bool), ("spec", FreeMap), ("annotations", FreeMap), ("labels", FreeMap), ("single", Bool)),
            // "logs" was split into log and accessLog in chart 41.0.0.
            ["log"] = Open(
                ("level", OneOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "PANIC")), ("format", OneOf("common", "json", null)),
                ("filePath", Str), ("noColor", Bool)),
            ["accessLog"] = Open(
                ("enabled", Bool), ("format", OneOf("common", "genericCLF", "json", null)), ("addInternals", Bool),
                ("bufferingSize", Of("integer", "null")), ("filters", FreeMap), ("fields", FreeMap)),
            ["resources"] = FreeMap,
            ["podDisruptionBudget"] = Closed(
                ("enabled", Bool), ("maxUnavailable", Of("string", "integer", "null")), ("minAvailable", Of("string", "integer", "null"))),
            ["topologySpreadConstraints"] = List,
        }),
        null);

    /// <summary>The modelled keys, plus the chart's other keys at that level, accepted as they come.</summary>
    private static Dictionary<string, ValuesSchema> With(IEnumerable<string> others, Dictionary<string, ValuesSchema> modelled)
    {
        foreach (var key in others)
        {
            modelled.Add(key, Any);
        }

        return modelled;
    }
}
