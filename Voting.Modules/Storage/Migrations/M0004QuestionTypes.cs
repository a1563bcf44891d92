using FluentMigrator;

namespace Voting.Storage.Migrations;

/// <summary>
/// Question types. A ballot is a set of choices: single choice and rating keep the one option in
/// <c>option_id</c>, exactly as rows written before this migration (so a worker of the release before
/// keeps writing correct rows during a rolling upgrade); multiple choice fills <c>choices</c> and
/// words fill <c>words</c>, and exactly one of the three is set. Words are counted in
/// <c>word_tallies</c> (they are no poll options), voters with a ballot in <c>poll_ballots</c> (a
/// multiple-choice ballot adds to several tallies, and summing a words poll's tallies would cost
/// O(words)). The triggers stay statement-level and move every count by the difference between the
/// old and new sets of the rows the statement really changed.
/// </summary>
[Migration(4, "Question types: ballots of several choices, word tallies, ballot counts")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "FluentMigrator finds migrations among the assembly's exported types only.")]
public sealed class M0004QuestionTypes : Migration
{
    public override void Up()
    {
        // Votes are locked first, for the whole migration: the ballot counts below are counted from
        // the rows, and no worker may add one between that count and the new trigger taking over.
        Execute.Sql("""
            LOCK TABLE votes IN ACCESS EXCLUSIVE MODE;

            ALTER TABLE polls
              ADD COLUMN type text NOT NULL DEFAULT 'single',
              ADD COLUMN max_choices integer,
              ADD COLUMN scale_min integer,
              ADD COLUMN scale_max integer,
              ADD COLUMN min_label text,
              ADD COLUMN max_label text,
              ADD COLUMN max_words integer;

            ALTER TABLE votes
              ALTER COLUMN option_id DROP NOT NULL,
              ADD COLUMN choices text[],
              ADD COLUMN words text[],
              ADD CONSTRAINT ck_votes_one_ballot CHECK (num_nonnulls(option_id, choices, words) = 1);

            -- hidden: true hidden by the organiser, false shown by the organiser, null not decided
            -- (a blocked-words list may hide it). The top-50 read walks the partial index.
            CREATE TABLE word_tallies (
              poll_id varchar(64) NOT NULL REFERENCES polls (id),
              word text COLLATE "C" NOT NULL,
              votes bigint NOT NULL DEFAULT 0,
              hidden boolean,
              PRIMARY KEY (poll_id, word));
            CREATE INDEX ix_word_tallies_top ON word_tallies (poll_id, votes DESC, word) WHERE hidden IS NOT TRUE;

            CREATE TABLE poll_ballots (
              poll_id varchar(64) PRIMARY KEY REFERENCES polls (id),
              ballots bigint NOT NULL DEFAULT 0);
            INSERT INTO poll_ballots (poll_id, ballots)
            SELECT p.id, (SELECT count(*) FROM votes v WHERE v.poll_id = p.id) FROM polls p;

            -- Each counter is taken in (poll, key) order, the same in every worker, so two workers
            -- cannot deadlock inside one trigger; a ballot row's set is its option, or its choices.
            CREATE OR REPLACE FUNCTION votes_move_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO poll_ballots (poll_id, ballots)
                SELECT poll_id, count(*) FROM new_votes GROUP BY poll_id ORDER BY poll_id
                ON CONFLICT (poll_id) DO UPDATE SET ballots = poll_ballots.ballots + excluded.ballots;

                INSERT INTO tallies (poll_id, option_id, votes)
                SELECT n.poll_id, c.choice, count(*)
                FROM new_votes n CROSS JOIN LATERAL unnest(coalesce(n.choices, ARRAY[n.option_id::text])) AS c(choice)
                WHERE c.choice IS NOT NULL
                GROUP BY n.poll_id, c.choice ORDER BY n.poll_id, c.choice
                ON CONFLICT (poll_id, option_id) DO UPDATE SET votes = tallies.votes + excluded.votes;

                INSERT INTO word_tallies (poll_id, word, votes)
                SELECT n.poll_id, w.word, count(*)
                FROM new_votes n CROSS JOIN LATERAL unnest(n.words) AS w(word)
                GROUP BY n.poll_id, w.word ORDER BY n.poll_id, w.word
                ON CONFLICT (poll_id, word) DO UPDATE SET votes = word_tallies.votes + excluded.votes;
              ELSE
                -- A replaced ballot is still one ballot: only its choices move.
                INSERT INTO tallies (poll_id, option_id, votes)
                SELECT poll_id, choice, sum(delta) FROM (
                  SELECT n.poll_id, c.choice, 1 AS delta
                  FROM new_votes n CROSS JOIN LATERAL unnest(coalesce(n.choices, ARRAY[n.option_id::text])) AS c(choice)
                  UNION ALL
                  SELECT o.poll_id, c.choice, -1 AS delta
                  FROM old_votes o CROSS JOIN LATERAL unnest(coalesce(o.choices, ARRAY[o.option_id::text])) AS c(choice)) AS moves
                WHERE choice IS NOT NULL
                GROUP BY poll_id, choice HAVING sum(delta) <> 0 ORDER BY poll_id, choice
                ON CONFLICT (poll_id, option_id) DO UPDATE SET votes = tallies.votes + excluded.votes;

                INSERT INTO word_tallies (poll_id, word, votes)
                SELECT poll_id, word, sum(delta) FROM (
                  SELECT n.poll_id, w.word, 1 AS delta FROM new_votes n CROSS JOIN LATERAL unnest(n.words) AS w(word)
                  UNION ALL
                  SELECT o.poll_id, w.word, -1 AS delta FROM old_votes o CROSS JOIN LATERAL unnest(o.words) AS w(word)) AS moves
                GROUP BY poll_id, word HAVING sum(delta) <> 0 ORDER BY poll_id, word
                ON CONFLICT (poll_id, word) DO UPDATE SET votes = word_tallies.votes + excluded.votes;
              END IF;
              RETURN NULL;
            END $$;
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            LOCK TABLE votes IN ACCESS EXCLUSIVE MODE;
            DELETE FROM votes WHERE option_id IS NULL;
            CREATE OR REPLACE FUNCTION votes_move_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
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
            DROP TABLE poll_ballots;
            DROP TABLE word_tallies;
            ALTER TABLE votes DROP CONSTRAINT ck_votes_one_ballot, DROP COLUMN choices, DROP COLUMN words, ALTER COLUMN option_id SET NOT NULL;
            ALTER TABLE polls DROP COLUMN type, DROP COLUMN max_choices, DROP COLUMN scale_min, DROP COLUMN scale_max,
              DROP COLUMN min_label, DROP COLUMN max_label, DROP COLUMN max_words;
            """);
    }
}
