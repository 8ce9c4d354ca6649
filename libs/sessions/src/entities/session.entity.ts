import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const REVOKE_REASONS = [
  'logout',
  'aborted_by_user',
  'aborted_by_admin',
  'refresh_reuse',
  'password_change',
  'user_deactivated',
  'user_deleted',
] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];

/**
 * A login. Its id is the `sid` claim of every access token issued for it. Postgres holds the durable record;
 * Redis caches what the guard needs. The user relation is by id only: Sessions never imports Users.
 */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  /** SHA-256 (hex) of the current refresh token */
  @Column({ type: 'varchar', length: 64 })
  refreshTokenHash: string;

  /** rotation counter: the current refresh token is derived from (id, counter) */
  @Column({ type: 'integer', default: 0 })
  refreshCounter: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  previousRefreshTokenHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;

  /** sliding: moves forward on use, never past expiresAt */
  @Column({ type: 'timestamptz' })
  idleExpiresAt: Date;

  /** absolute end of the session */
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  revokedReason: RevokeReason | null;

  /** the admin who aborted it, when one did */
  @Column({ type: 'uuid', nullable: true })
  revokedBy: string | null;
}

/** When the session ends if nothing happens: the earlier of the idle and the absolute expiry. */
export function effectiveExpiry(session: Pick<SessionEntity, 'idleExpiresAt' | 'expiresAt'>): Date {
  return session.idleExpiresAt < session.expiresAt ? session.idleExpiresAt : session.expiresAt;
}
