import { testDatabaseUrl } from '@app/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryFailedError } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { PreparedSql } from './prepared-sql';

describe('PreparedSql on PostgreSQL', () => {
  let dataSource: DataSource;
  let sut: PreparedSql;
  const table = `prepared_sql_${process.pid}`;

  beforeAll(async () => {
    // One pool connection, so that what the test reads from pg_prepared_statements is the connection that ran it.
    dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), extra: { max: 1 } });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE ${table} (id int PRIMARY KEY, label text NOT NULL)`);
    sut = new PreparedSql(dataSource);
  });
  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  });

  const preparedTexts = async (): Promise<string[]> =>
    (await dataSource.query<{ statement: string }[]>('SELECT statement FROM pg_prepared_statements')).map(
      (row) => row.statement,
    );

  it('runs a statement as a named prepared statement, parsed once per connection and reused', async () => {
    const text = `INSERT INTO ${table} (id, label) VALUES ($1, $2) RETURNING id, label`;
    expect(await sut.query(text, [1, 'one'])).toEqual([{ id: 1, label: 'one' }]);
    expect(await sut.query(text, [2, 'two'])).toEqual([{ id: 2, label: 'two' }]);
    const select = `SELECT id, label FROM ${table} WHERE id = ANY($1) ORDER BY id`;
    expect(await sut.query(select, [[1, 2]])).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);

    const prepared = await preparedTexts();
    expect(prepared).toContain(text);
    expect(prepared).toContain(select);
    expect(prepared.filter((statement) => statement === text)).toHaveLength(1);
  });

  it("wraps PostgreSQL's errors in QueryFailedError, like DataSource.query, and the connection stays usable", async () => {
    const text = `INSERT INTO ${table} (id, label) VALUES ($1, $2) RETURNING id`;
    await sut.query(text, [10, 'ten']);
    const error: unknown = await sut.query(text, [10, 'again']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError).driverError).toMatchObject({ code: '23505' });

    const invalid: unknown = await sut.query(`SELECT $1::int AS n`, ['not a number']).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(QueryFailedError);
    expect((invalid as QueryFailedError).driverError).toMatchObject({ code: '22P02' });

    expect(await sut.query(`SELECT $1::int AS n`, ['7'])).toEqual([{ n: 7 }]);
  });
});

describe('PreparedSql on the embedded database (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'uma-prepared-sql-'));
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(buildDataSourceOptions({ embeddedDataDir: dataDir, runMigrations: false }));
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the same SQL through the DataSource', async () => {
    const sut = new PreparedSql(dataSource);
    expect(await sut.query(`SELECT $1::int + 1 AS n, $2::text AS label`, [41, 'x'])).toEqual([{ n: 42, label: 'x' }]);
    await expect(sut.query(`SELECT $1::int AS n`, ['not a number'])).rejects.toBeInstanceOf(QueryFailedError);
  });
});
