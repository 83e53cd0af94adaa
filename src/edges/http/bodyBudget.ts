/**
 * The request-body bytes the server holds at once, across all connections. One body is capped by the
 * per-request limit; this caps their sum, so that many large bodies arriving together (or slowly, to
 * hold memory) are refused with a clear answer instead of growing the process until it is killed.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly limitBytes: number) {}

  /** Takes `bytes` from the budget; false, taking nothing, when that would pass the limit. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }

  get heldBytes(): number {
    return this.held;
  }
}
