using FluentMigrator;

namespace Voting.Storage.Migrations;

/// <summary>
/// A closed poll remembers its close point: the version (stream order) from which no vote counts.
/// Polls closed before this migration get their closing time as the point, in the same encoding.
/// </summary>
[Migration(2, "Close points for polls")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "FluentMigrator finds migrations among the assembly's exported types only.")]
public sealed class M0002ClosePoints : Migration
{
    public override void Up()
    {
        Alter.Table("polls").AddColumn("close_version").AsInt64().Nullable();
        Execute.Sql("""
            UPDATE polls
            SET close_version = (floor(extract(epoch FROM coalesce(closed_at, now())) * 1000)::bigint) << 20
            WHERE closed
            """);
    }

    public override void Down() => Delete.Column("close_version").FromTable("polls");
}
