using FluentMigrator;

namespace Voting.Storage.Migrations;

/// <summary>
/// Polls, their options, one vote row per (poll, voter), and kept tallies. Names are lower-case
/// snake_case because FluentMigrator quotes them and the Dapper SQL does not.
/// </summary>
[Migration(1, "Polls, options, votes and tallies")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "FluentMigrator finds migrations among the assembly's exported types only.")]
public sealed class M0001InitialSchema : Migration
{
    public override void Up()
    {
        // Every create or close takes a new revision, so poll processes refresh only what changed.
        Execute.Sql("CREATE SEQUENCE poll_revision");

        Create.Table("polls")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("question").AsString(500).NotNullable()
            .WithColumn("closed").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("closed_at").AsDateTimeOffset().Nullable()
            .WithColumn("revision").AsInt64().NotNullable();
        Create.Index("ix_polls_revision").OnTable("polls").OnColumn("revision");

        Create.Table("poll_options")
            .WithColumn("poll_id").AsString(64).NotNullable().PrimaryKey().ForeignKey("fk_options_poll", "polls", "id")
            .WithColumn("id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("label").AsString(200).NotNullable()
            .WithColumn("position").AsInt32().NotNullable();

        // The version orders one voter's votes: it comes from the Redis stream entry id, which is
        // monotonic across every poll replica, unlike any one replica's clock.
        Create.Table("votes")
            .WithColumn("poll_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("voter_id").AsGuid().NotNullable().PrimaryKey()
            .WithColumn("option_id").AsString(64).NotNullable()
            .WithColumn("cast_at").AsDateTimeOffset().NotNullable()
            .WithColumn("version").AsInt64().NotNullable();
        Create.ForeignKey("fk_votes_option")
            .FromTable("votes").ForeignColumns("poll_id", "option_id")
            .ToTable("poll_options").PrimaryColumns("poll_id", "id");

        Create.Table("tallies")
            .WithColumn("poll_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("option_id").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("votes").AsInt64().NotNullable().WithDefaultValue(0);
        Create.ForeignKey("fk_tallies_option")
            .FromTable("tallies").ForeignColumns("poll_id", "option_id")
            .ToTable("poll_options").PrimaryColumns("poll_id", "id");

        // Tallies move by what each statement actually changed, seen through its transition tables:
        // the rows an upsert really inserted or replaced under their locks, so two workers racing on
        // the same voter cannot make a tally drift. Rows are taken in (poll, option) order so that two
        // workers lock tally rows in the same order and cannot deadlock.
        Execute.Sql("""
            CREATE FUNCTION votes_move_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO tallies (poll_id, option_id, votes)
                SELECT poll_id, option_id, count(*) FROM new_votes
                GROUP BY poll_id, option_id ORDER BY poll_id, option_id
                ON CONFLICT (poll_id, option_id) DO UPDATE SET votes = tallies.votes + excluded.votes;
              ELSE
                INSERT INTO tallies (poll_id, option_id, votes)
                SELECT poll_id, option_id, sum(delta) FROM (
                  SELECT poll_id, option_id, 1 AS delta FROM new_votes
                  UNION ALL
                  SELECT poll_id, option_id, -1 AS delta FROM old_votes) AS moves
                GROUP BY poll_id, option_id HAVING sum(delta) <> 0 ORDER BY poll_id, option_id
                ON CONFLICT (poll_id, option_id) DO UPDATE SET votes = tallies.votes + excluded.votes;
              END IF;
              RETURN NULL;
            END $$;

            CREATE TRIGGER votes_tally_insert AFTER INSERT ON votes
              REFERENCING NEW TABLE AS new_votes
              FOR EACH STATEMENT EXECUTE FUNCTION votes_move_tallies();

            CREATE TRIGGER votes_tally_update AFTER UPDATE ON votes
              REFERENCING OLD TABLE AS old_votes NEW TABLE AS new_votes
              FOR EACH STATEMENT EXECUTE FUNCTION votes_move_tallies();
            """);
    }

    public override void Down()
    {
        Execute.Sql("DROP TRIGGER IF EXISTS votes_tally_update ON votes");
        Execute.Sql("DROP TRIGGER IF EXISTS votes_tally_insert ON votes");
        Execute.Sql("DROP FUNCTION IF EXISTS votes_move_tallies()");
        Delete.Table("tallies");
        Delete.Table("votes");
        Delete.Table("poll_options");
        Delete.Table("polls");
        Execute.Sql("DROP SEQUENCE IF EXISTS poll_revision");
    }
}
