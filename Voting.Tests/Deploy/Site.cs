namespace Voting.Tests.Deploy;

/// <summary>A site overlay made by deploy/new-site.sh, as README.md's install step makes one.</summary>
internal sealed class Site
{
    /// <summary>The image the tests' sites run (what a release workflow pushes: ghcr.io/OWNER/REPO:VERSION).</summary>
    public const string Image = "ghcr.io/voting-tests/voting:1.4.2";

    public const string Host = "vote.tests.internal";

    public const string BackupBucket = "s3://voting-tests-backups/cluster";

    private Site(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>Runs deploy/new-site.sh for one committed overlay into a new temporary directory.</summary>
    public static Site Make(string overlay, string? image = Image)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"voting-site-{overlay}-{Guid.NewGuid():N}"[..48]);
        List<string> args = ["--overlay", overlay];
        if (image is not null)
        {
            args.AddRange(["--image", image]);
        }

        if (overlay != "dev")
        {
            args.AddRange(["--host", Host]);
        }

        if (overlay == "production-cloudnativepg")
        {
            args.AddRange(["--backup-bucket", BackupBucket]);
        }

        args.Add(dir);
        DeployRepo.Run(DeployRepo.PathOf("deploy/new-site.sh"), args, environment: new Dictionary<string, string>
        {
            ["BACKUP_S3_ACCESS_KEY_ID"] = "tests-access-key",
            ["BACKUP_S3_SECRET_ACCESS_KEY"] = "tests-secret-key",
        });
        return new Site(dir);
    }

    /// <summary>Adds a committed kustomize component to this site, as an operator would; returns the site's directory.</summary>
    public string WithComponent(string relativeDir)
    {
        var kustomization = Path.Combine(Directory, "kustomization.yaml");
        File.AppendAllText(kustomization, $"components:\n  - {Path.GetRelativePath(Directory, DeployRepo.PathOf(relativeDir))}\n");
        return Directory;
    }

    public string Render() => DeployRepo.Kubectl(["kustomize", Directory]);

    public string SecretFile(string name) => Path.Combine(Directory, "secrets", name);
}
