import { Writable } from 'node:stream';
import { createLogger, lazyRequestLogger } from './logger';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, destination), lines };
}

describe('lazyRequestLogger (request.log)', () => {
  it('writes through a child bound to the request id, redacting as the parent does', () => {
    const { logger, lines } = capture('info');
    const child = jest.spyOn(logger, 'child');
    const log = lazyRequestLogger(logger, { reqId: 'r-1' }, {});

    expect(child).not.toHaveBeenCalled();
    log.error({ password: 'hunter2' }, 'boom');
    log.warn('again');

    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ reqId: 'r-1', level: 'error', msg: 'boom', password: '[REDACTED]' }),
      expect.objectContaining({ reqId: 'r-1', level: 'warn', msg: 'again' }),
    ]);
  });

  it('builds no child for a level that is off', () => {
    const { logger, lines } = capture('warn');
    const child = jest.spyOn(logger, 'child');
    const log = lazyRequestLogger(logger, { reqId: 'r-2' }, {});

    log.info('not written');
    log.debug('not written');

    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('gives a route with its own level a real child at once', () => {
    const { logger } = capture('warn');
    const log = lazyRequestLogger(logger, { reqId: 'r-3' }, { level: 'debug' });
    expect(log.level).toBe('debug');
  });
});
