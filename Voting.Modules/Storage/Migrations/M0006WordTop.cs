using FluentMigrator;

namespace Voting.Storage.Migrations;

/// <summary>
/// Words drain at the speed of other ballots. Measured on the schema of migration 4: the index on
/// <c>word_tallies.votes</c> made every tally update a non-HOT update (a new tuple and an entry in
/// both indexes, 34 MB after 400,000 updates of 10,000 rows), and an upsert's two statement
/// triggers took the same words in two passes, so a worker's two batches deadlocked about once every
/// 4 s (a second lost each, deadlock_timeout). Now <c>word_tallies</c> has no index on votes; the
/// top words are read from <c>word_top</c>, the poll's words from a floor up (a few hundred, kept
/// by the trigger); and one transaction at a time moves counters.
/// </summary>
[Migration(6, "Word tallies updated in place, the top words kept apart, one counter mover at a time")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1515", Justification = "FluentMigrator finds migrations among the assembly's exported types only.")]
public sealed class M0006WordTop : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            -- No trigger may run between the backfill below and the new trigger taking over.
            LOCK TABLE votes IN ACCESS EXCLUSIVE MODE;

            -- top_floor: a words poll's word is in word_top exactly when its votes reach max(top_floor, 1).
            ALTER TABLE poll_ballots ADD COLUMN top_floor bigint NOT NULL DEFAULT 0;

            CREATE TABLE word_top (
              poll_id varchar(64) NOT NULL,
              word text COLLATE "C" NOT NULL,
              votes bigint NOT NULL,
              PRIMARY KEY (poll_id, word));
            CREATE INDEX ix_word_top ON word_top (poll_id, votes DESC, word);

            UPDATE poll_ballots b SET top_floor = f.votes
            FROM (SELECT poll_id, votes, count(*) OVER (PARTITION BY poll_id) AS words,
                         row_number() OVER (PARTITION BY poll_id ORDER BY votes DESC, word) AS rank
                  FROM word_tallies WHERE votes > 0) AS f
            WHERE f.poll_id = b.poll_id AND f.rank = 250 AND f.words > 500;
            INSERT INTO word_top (poll_id, word, votes)
            SELECT w.poll_id, w.word, w.votes FROM word_tallies w LEFT JOIN poll_ballots b ON b.poll_id = w.poll_id
            WHERE w.votes >= greatest(coalesce(b.top_floor, 0), 1);

            -- No index on votes any more: a tally update is a HOT update, in place on its page when there is room.
            DROP INDEX ix_word_tallies_top;
            ALTER TABLE word_tallies SET (fillfactor = 70);

            -- Keeps a poll's word_top between 100 and 500 words: above 500 the floor rises to the 250th
            -- word's votes (ties stay: with every word tied, all stay); below 100 (words given up by changes
            -- of mind) it falls to the 250th word of word_tallies, the one pass over all the poll's words.
            -- No foreign key to word_tallies: only this trigger writes word_top, from word_tallies' rows,
            -- and nothing deletes those (a key's check cost 1 ms a batch).
            CREATE FUNCTION word_top_resize(poll varchar) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE
              kept bigint;
              cut bigint;
            BEGIN
              SELECT count(*) INTO kept FROM (SELECT 1 FROM word_top WHERE poll_id = poll LIMIT 501) AS t;
              IF kept > 500 THEN
                SELECT votes INTO cut FROM word_top WHERE poll_id = poll ORDER BY votes DESC, word OFFSET 249 LIMIT 1;
                UPDATE poll_ballots SET top_floor = cut WHERE poll_id = poll AND top_floor < cut;
                IF FOUND THEN
                  DELETE FROM word_top WHERE poll_id = poll AND votes < cut;
                END IF;
              ELSIF kept < 100 AND (SELECT top_floor FROM poll_ballots WHERE poll_id = poll) > 1 THEN
                -- Fewer than 250 words given: all of them, and the floor back to 0 for good.
                SELECT CASE WHEN count(*) < 250 THEN 0 ELSE min(votes) END INTO cut
                FROM (SELECT votes FROM word_tallies WHERE poll_id = poll AND votes > 0 ORDER BY votes DESC LIMIT 250) AS t;
                UPDATE poll_ballots SET top_floor = cut WHERE poll_id = poll;
                INSERT INTO word_top (poll_id, word, votes)
                SELECT poll_id, word, votes FROM word_tallies WHERE poll_id = poll AND votes >= greatest(cut, 1) ORDER BY word
                ON CONFLICT (poll_id, word) DO NOTHING;
              END IF;
            END $$;

            CREATE OR REPLACE FUNCTION votes_move_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM new_votes) THEN
                RETURN NULL;
              END IF;
              -- One transaction at a time moves counters (the key is 0x566f74696e67_02, "Voting" 2). An upsert
              -- fires the UPDATE trigger, then the INSERT trigger: two passes, each in (poll, key) order, so
              -- without this lock two transactions took the same words in crossed orders and deadlocked.
              PERFORM pg_advisory_xact_lock(24329393772848898);
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

                -- word_top follows each moved word's new count, read under the word's row lock. Counts
                -- only grow here, so no word leaves it.
                WITH moved AS (
                  INSERT INTO word_tallies (poll_id, word, votes)
                  SELECT n.poll_id, w.word, count(*)
                  FROM new_votes n CROSS JOIN LATERAL unnest(n.words) AS w(word)
                  GROUP BY n.poll_id, w.word ORDER BY n.poll_id, w.word
                  ON CONFLICT (poll_id, word) DO UPDATE SET votes = word_tallies.votes + excluded.votes
                  RETURNING poll_id, word, votes)
                INSERT INTO word_top (poll_id, word, votes)
                SELECT m.poll_id, m.word, m.votes FROM moved m LEFT JOIN poll_ballots b ON b.poll_id = m.poll_id
                WHERE m.votes >= greatest(coalesce(b.top_floor, 0), 1) ORDER BY m.poll_id, m.word
                ON CONFLICT (poll_id, word) DO UPDATE SET votes = excluded.votes;
              ELSE
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

                WITH moved AS (
                  INSERT INTO word_tallies (poll_id, word, votes)
                  SELECT poll_id, word, sum(delta) FROM (
                    SELECT n.poll_id, w.word, 1 AS delta FROM new_votes n CROSS JOIN LATERAL unnest(n.words) AS w(word)
                    UNION ALL
                    SELECT o.poll_id, w.word, -1 AS delta FROM old_votes o CROSS JOIN LATERAL unnest(o.words) AS w(word)) AS moves
                  GROUP BY poll_id, word HAVING sum(delta) <> 0 ORDER BY poll_id, word
                  ON CONFLICT (poll_id, word) DO UPDATE SET votes = word_tallies.votes + excluded.votes
                  RETURNING poll_id, word, votes),
                placed AS (
                  SELECT m.poll_id, m.word, m.votes, m.votes >= greatest(coalesce(b.top_floor, 0), 1) AS kept
                  FROM moved m LEFT JOIN poll_ballots b ON b.poll_id = m.poll_id),
                dropped AS (
                  DELETE FROM word_top t USING placed p WHERE t.poll_id = p.poll_id AND t.word = p.word AND NOT p.kept)
                INSERT INTO word_top (poll_id, word, votes)
                SELECT poll_id, word, votes FROM placed WHERE kept ORDER BY poll_id, word
                ON CONFLICT (poll_id, word) DO UPDATE SET votes = excluded.votes;
              END IF;
              PERFORM word_top_resize(poll_id) FROM (SELECT DISTINCT poll_id FROM new_votes WHERE words IS NOT NULL ORDER BY poll_id) AS p;
              RETURN NULL;
            END $$;
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            LOCK TABLE votes IN ACCESS EXCLUSIVE MODE;
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
            DROP FUNCTION word_top_resize(varchar);
            DROP TABLE word_top;
            ALTER TABLE poll_ballots DROP COLUMN top_floor;
            ALTER TABLE word_tallies RESET (fillfactor);
            CREATE INDEX ix_word_tallies_top ON word_tallies (poll_id, votes DESC, word) WHERE hidden IS NOT TRUE;
            """);
    }
}
