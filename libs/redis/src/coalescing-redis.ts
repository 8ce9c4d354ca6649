import { Redis } from 'ioredis';

type SendCommandArgs = Parameters<Redis['sendCommand']>;

/**
 * An ioredis client whose commands, issued during one turn of the event loop, leave in one socket write.
 *
 * At the first command of a turn it corks the socket, and uncorks it in setImmediate: after every I/O callback
 * of the turn (at load, the guard's session MGET of each request read in that turn) has queued its command.
 * Node then sends the queued commands with one writev. Commands, replies and their order are ioredis' own;
 * only the system calls are fewer.
 *
 * Why not ioredis' enableAutoPipelining, which batches the same way: it wraps every command in a Pipeline,
 * several promises and callbacks, and keeps one batch in flight at a time, so at 50 concurrent requests those
 * objects lived long enough to be promoted to the old generation (~80 MB/s on GET /todos, with a Mark-Compact
 * pause of 7–10 ms every 1–2 s). Corking costs one timer per turn. docs/performance.md has the measurements.
 */
export class CoalescingRedis extends Redis {
  /** The socket corked in this turn, if any; uncorked (and cleared) by the turn's setImmediate. */
  private corkedStream: Redis['stream'] | undefined;

  override sendCommand(...[command, stream]: SendCommandArgs): unknown {
    // `stream` is set for a pipeline's or a transaction's own writes, and before "ready" commands wait in
    // ioredis' offline queue: leave both as they are.
    if (stream === undefined && this.corkedStream === undefined && this.status === 'ready') {
      const corked = this.stream;
      corked.cork();
      this.corkedStream = corked;
      setImmediate(() => {
        this.corkedStream = undefined;
        // the socket corked, even if a reconnect replaced this.stream meanwhile
        corked.uncork();
      });
    }
    return super.sendCommand(command, stream);
  }
}
