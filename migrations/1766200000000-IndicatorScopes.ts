import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sets of authorities a series was asked for, and when last: the keeper of series points
 * (src/indicators/points-keeper.ts) keeps every authority together and each alone, and besides them
 * the sets asked for lately (an officer of two authorities). Kept apart from the stored points, which
 * the keeper itself refreshes: a set asked once would otherwise look asked for ever. LA codes only,
 * no personal data.
 */
export class IndicatorScopes1766200000000 implements MigrationInterface {
  name = 'IndicatorScopes1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE indicator_scope (
  scope text NOT NULL,
  asked_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT indicator_scope_pkey PRIMARY KEY (scope)
)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE indicator_scope');
  }
}
