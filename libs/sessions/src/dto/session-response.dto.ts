import { ApiProperty } from '@nestjs/swagger';
import { effectiveExpiry, REVOKE_REASONS, RevokeReason, SessionEntity } from '../entities/session.entity';

/** One of my sessions. Never a token or a hash. */
export class SessionResponseDto {
  id: string;
  /** @example "203.0.113.7" */
  ip: string | null;
  /** @example "Mozilla/5.0 (X11; Linux x86_64) ..." */
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  /** when it ends if left idle (never later than the absolute lifetime) */
  expires_at: Date;
  /** true for the session making this request */
  current: boolean;
}

/** A session as admins see it: whose, and how it ended. */
export class AdminSessionResponseDto {
  id: string;
  user_id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  @ApiProperty({ enum: REVOKE_REASONS, nullable: true })
  revoked_reason: RevokeReason | null;
  /** the admin who aborted it */
  revoked_by: string | null;
}

export class AdminSessionPageDto {
  items: AdminSessionResponseDto[];
  total: number;
  page: number;
  limit: number;
}

export function toSessionResponse(session: SessionEntity, currentSessionId: string): SessionResponseDto {
  return {
    id: session.id,
    ip: session.ip,
    user_agent: session.userAgent,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: effectiveExpiry(session),
    current: session.id === currentSessionId,
  };
}

export function toAdminSessionResponse(session: SessionEntity): AdminSessionResponseDto {
  return {
    id: session.id,
    user_id: session.userId,
    ip: session.ip,
    user_agent: session.userAgent,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: effectiveExpiry(session),
    revoked_at: session.revokedAt,
    revoked_reason: session.revokedReason,
    revoked_by: session.revokedBy,
  };
}
