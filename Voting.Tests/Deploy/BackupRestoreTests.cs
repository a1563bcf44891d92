using Dapper;
using k8s.Models;
using Npgsql;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Deploy;

/// <summary>
/// The single-instance PostgreSQL's backups. The CronJobs run
/// deploy/base/backup/backup.sh and restore.sh; these tests run the same files against the real
/// PostgreSQL on loopback: dump, drop, restore, and the tallies are what they were.
/// </summary>
public sealed class BackupRestoreTests
{
    private static readonly string[] Options = ["a", "b", "c"];

    private static string Script(string name) => DeployRepo.PathOf("deploy/base/backup", name);

    private static Dictionary<string, string> Environment(string database, string backupDir, params (string, string)[] more)
    {
        var admin = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin);
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = admin.Host!,
            ["PGPORT"] = admin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = admin.Username!,
            ["PGDATABASE"] = database,
            ["BACKUP_DIR"] = backupDir,
        };
        foreach (var (k, v) in more)
        {
            env[k] = v;
        }

        return env;
    }

    private static async Task<Dictionary<string, long>> TalliesAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return (await connection.QueryAsync<(string, long)>("SELECT option_id, votes FROM tallies WHERE poll_id = 'backup'"))
            .ToDictionary(r => r.Item1, r => r.Item2);
    }

    private static async Task<string> DatabaseWithVotesAsync()
    {
        var connectionString = await TestEnvironment.CreateDatabaseAsync();
        await using var data = StorageModule.CreateDataSource(connectionString);
        var poll = new PollDefinition("backup", "Kept?", [.. Options.Select(o => new PollOption(o, o))], false, DateTimeOffset.UtcNow);
        Assert.True(await new PollStore(data).CreateAsync(poll, CancellationToken.None));
        var votes = Enumerable.Range(0, 300)
            .Select(i => new VoteRow("backup", Guid.NewGuid(), Options[i * 7 % 3], DateTimeOffset.UtcNow, i + 1))
            .ToList();
        await new VoteWriter(data).WriteAsync(votes, CancellationToken.None);
        return connectionString;
    }

    [Fact]
    public async Task Dump_drop_and_restore_bring_the_tallies_back_as_they_were()
    {
        var connectionString = await DatabaseWithVotesAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var before = await TalliesAsync(connectionString);
        Assert.Equal(300, before.Values.Sum());
        var backups = Directory.CreateTempSubdirectory("voting-backups-");
        try
        {
            var output = DeployRepo.Run("sh", [Script("backup.sh")], environment: Environment(database, backups.FullName));
            Assert.Contains("backup: wrote", output, StringComparison.Ordinal);
            Assert.Single(backups.GetFiles($"{database}-*.dump"));
            Assert.Empty(backups.GetFiles("*.partial"));

            NpgsqlConnection.ClearAllPools();
            await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
            {
                await admin.OpenAsync();
                await admin.ExecuteAsync($"DROP DATABASE \"{database}\" WITH (FORCE)");
            }

            await Assert.ThrowsAnyAsync<PostgresException>(() => TalliesAsync(connectionString));

            var restored = DeployRepo.Run("sh", [Script("restore.sh")], environment: Environment(database, backups.FullName));
            Assert.Contains($"schema version {PostgresHealthCheck.LatestMigration}", restored, StringComparison.Ordinal);
            Assert.Equal(before, await TalliesAsync(connectionString));
        }
        finally
        {
            backups.Delete(recursive: true);
            await AppSmoke.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_damaged_dump_is_refused_before_anything_is_dropped_and_old_dumps_are_pruned()
    {
        var connectionString = await DatabaseWithVotesAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var before = await TalliesAsync(connectionString);
        var backups = Directory.CreateTempSubdirectory("voting-backups-");
        try
        {
            // Three older dumps by name; KEEP=2 leaves the new one and the newest old one.
            foreach (var stamp in new[] { "20240101T000000Z", "20240102T000000Z", "20240103T000000Z" })
            {
                await File.WriteAllTextAsync(Path.Combine(backups.FullName, $"{database}-{stamp}.dump"), "old");
            }

            DeployRepo.Run("sh", [Script("backup.sh")], environment: Environment(database, backups.FullName, ("KEEP", "2")));
            var kept = backups.GetFiles($"{database}-*.dump").Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, kept.Count);
            Assert.Equal($"{database}-20240103T000000Z.dump", kept[0]);

            // The named file is not a dump: restore stops and the database stays as it was.
            var error = Assert.Throws<InvalidOperationException>(() => DeployRepo.Run("sh", [Script("restore.sh")],
                environment: Environment(database, backups.FullName, ("RESTORE_FILE", kept[0]))));
            Assert.Contains("pg_restore", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, await TalliesAsync(connectionString));
        }
        finally
        {
            backups.Delete(recursive: true);
            await AppSmoke.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public void The_cluster_runs_these_very_scripts_nightly_and_on_demand()
    {
        var o = RenderedOverlay.Load("deploy/overlays/production");
        var scripts = o.OfType<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("postgres-backup-scripts", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllText(Script("backup.sh")), scripts.Data["backup.sh"]);
        Assert.Equal(File.ReadAllText(Script("restore.sh")), scripts.Data["restore.sh"]);

        var backup = o.Get<V1CronJob>("postgres-backup");
        Assert.NotEqual(true, backup.Spec.Suspend);
        Assert.Equal(["sh", "/scripts/backup.sh"], backup.Spec.JobTemplate.Spec.Template.Spec.Containers.Single().Command);
        var restore = o.Get<V1CronJob>("postgres-restore");
        Assert.True(restore.Spec.Suspend, "the restore CronJob must never run on a schedule");
        Assert.Equal(["sh", "/scripts/restore.sh"], restore.Spec.JobTemplate.Spec.Template.Spec.Containers.Single().Command);

        // Dumps go to a claim of their own, and the tools match the server's major version.
        var pod = backup.Spec.JobTemplate.Spec.Template.Spec;
        Assert.Contains(pod.Volumes, v => v.PersistentVolumeClaim?.ClaimName == "postgres-backups");
        Assert.Contains(o.OfType<V1PersistentVolumeClaim>(), c => c.Metadata.Name == "postgres-backups");
        var server = o.Get<V1StatefulSet>("postgres").Spec.Template.Spec.Containers.Single().Image;
        Assert.Equal(server, pod.Containers.Single().Image);

        // The README's restore steps start that Job, after stopping the roles.
        var readme = File.ReadAllText(DeployRepo.PathOf("README.md"));
        Assert.Contains("--from=cronjob/postgres-restore", readme, StringComparison.Ordinal);
        Assert.Contains("scale deployment poll worker result --replicas=0", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudNativePG_archives_to_object_storage_every_night()
    {
        var o = RenderedOverlay.Load("deploy/overlays/production-cloudnativepg");
        var cluster = o.OfType<CnpgCluster>().Single();
        var plugin = Assert.Single(cluster.Spec!.Plugins ?? []);
        Assert.Equal("barman-cloud.cloudnative-pg.io", plugin.Name);
        Assert.True(plugin.IsWALArchiver);
        var store = o.OfType<BarmanObjectStore>().Single(s => s.Metadata.Name == plugin.Parameters!["barmanObjectName"]);
        Assert.Equal(Site.BackupBucket, store.Spec!.Configuration.DestinationPath);
        var credentials = store.Spec.Configuration.S3Credentials!;
        foreach (var key in new[] { credentials.AccessKeyId!, credentials.SecretAccessKey! })
        {
            Assert.True(RenderedOverlay.SecretData(o.Secret("voting", key.Name)).ContainsKey(key.Key), $"{key.Name} has no {key.Key}");
        }

        var scheduled = o.OfType<CnpgScheduledBackup>().Single();
        Assert.Equal(cluster.Metadata.Name, scheduled.Spec!.Cluster!.Name);
        Assert.Equal("plugin", scheduled.Spec.Method);
        Assert.Equal(plugin.Name, scheduled.Spec.PluginConfiguration!.Name);
        // Six fields, seconds first, unlike a CronJob's.
        Assert.Equal(6, scheduled.Spec.Schedule.Split(' ').Length);
        Assert.DoesNotContain(o.OfType<V1CronJob>(), c => c.Metadata.Name.StartsWith("postgres-", StringComparison.Ordinal));
    }
}
