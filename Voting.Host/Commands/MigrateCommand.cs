using System.CommandLine;
using Voting.Storage;

namespace Voting.Host.Commands;

/// <summary><c>voting migrate</c>: the schema, for a Kubernetes Job or by hand.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply the database migrations and exit. Safe to run more than once, and from several processes at once.");
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var connectionString = CommandSettings.Postgres(parse);
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("FluentMigrator", LogLevel.Warning));
            await Migrator.MigrateAsync(connectionString, loggers, cancellationToken);
            return 0;
        });
        return migrate;
    }
}
