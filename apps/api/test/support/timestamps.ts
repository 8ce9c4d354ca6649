import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An ISO 8601 UTC timestamp with milliseconds, as Date#toISOString prints it. */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** What a JS Date made from a row's stored timestamps serialises to (how the API printed timestamps so far). */
export async function storedAsDate(
  app: INestApplication,
  table: 'todos' | 'products',
  id: string,
): Promise<{ created_at: string; updated_at: string }> {
  const [row] = await app
    .get(DataSource)
    .query<{ created_at: Date; updated_at: Date }[]>(`SELECT created_at, updated_at FROM ${table} WHERE id = $1`, [id]);
  return { created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}
