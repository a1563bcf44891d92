using FluentMigrator;

namespace Voting.Storage.Migrations;

/// <summary>
/// Events: a run of polls under one join code, one of them live at a time. A code is unique among
/// open events only (a partial unique index), so codes of closed events may come back. A poll
/// belongs to at most one event and keeps its place in it (<c>event_position</c>, from creation
/// order; the organiser may reorder).
/// </summary>
[Migration(5, "Events: join codes, the polls of an event and the live one")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "FluentMigrator finds migrations among the assembly's exported types only.")]
public sealed class M0005Events : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            CREATE TABLE events (
              id text PRIMARY KEY,
              code text NOT NULL,
              title text NOT NULL,
              live_poll_id text REFERENCES polls (id),
              closed boolean NOT NULL DEFAULT false,
              created_at timestamptz NOT NULL,
              closed_at timestamptz);
            CREATE UNIQUE INDEX ux_events_open_code ON events (code) WHERE NOT closed;

            ALTER TABLE polls
              ADD COLUMN event_id text REFERENCES events (id),
              ADD COLUMN event_position integer;
            CREATE INDEX ix_polls_event ON polls (event_id, event_position) WHERE event_id IS NOT NULL;
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            DROP INDEX ix_polls_event;
            ALTER TABLE polls DROP COLUMN event_position, DROP COLUMN event_id;
            DROP TABLE events;
            """);
    }
}
