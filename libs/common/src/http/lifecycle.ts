import { Injectable } from '@nestjs/common';

/** Whether this instance is shutting down: readiness then says 503 so that load balancers route elsewhere. */
@Injectable()
export class Lifecycle {
  private draining = false;

  get shuttingDown(): boolean {
    return this.draining;
  }

  beginShutdown(): void {
    this.draining = true;
  }
}
