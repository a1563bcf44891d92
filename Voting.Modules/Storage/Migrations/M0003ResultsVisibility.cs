using FluentMigrator;

namespace Voting.Storage.Migrations;

/// <summary>
/// When a poll's results show (always, once revealed, once closed), the organiser's reveal or hide
/// over that (null: the mode decides), and the time a poll closes by itself.
/// </summary>
[Migration(3, "Results visibility and closing times")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "FluentMigrator finds migrations among the assembly's exported types only.")]
public sealed class M0003ResultsVisibility : Migration
{
    public override void Up()
    {
        Alter.Table("polls")
            .AddColumn("results_visibility").AsString(16).NotNullable().WithDefaultValue("always")
            .AddColumn("results_revealed").AsBoolean().Nullable()
            .AddColumn("closes_at").AsDateTimeOffset().Nullable();
    }

    public override void Down()
    {
        Delete.Column("results_visibility").Column("results_revealed").Column("closes_at").FromTable("polls");
    }
}
