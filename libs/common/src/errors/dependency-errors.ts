/** Network-level errors of a client library (pg, ioredis): the server is unreachable, not the query wrong. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs that mean "not available right now": connection exceptions, shutdown, overload. */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|53300)$/;

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Driver not Connected',
  'Reached the max retries per request limit',
  'Connection is closed',
  'Command timed out',
];

/**
 * True when an error says a dependency (Postgres, Redis) is unreachable or refusing connections, so the right
 * answer is 503 — try again — rather than 500. Looks through `driverError` and `cause` (TypeORM wraps pg errors).
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, driverError, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  return isDependencyUnavailable(driverError, depth + 1) || isDependencyUnavailable(cause, depth + 1);
}
