/**
 * The three timers of a connection, in one place so they are all cleared in
 * one place: keepalive (interval), pong deadline, close deadline. Callbacks
 * are methods of the owner, called with it as argument: no closures, and
 * every timer is unref'd so an idle connection never keeps a process alive
 * on its own (the socket does that).
 */

export interface TimerOwner {
  /** Keepalive tick. */
  ping(): void;
  /** The pong did not come in time. */
  pongTimedOut(): void;
  /** The closing handshake did not finish in time. */
  closeTimedOut(): void;
}

const tick = (owner: TimerOwner): void => owner.ping();
const pongDeadline = (owner: TimerOwner): void => owner.pongTimedOut();
const closeDeadline = (owner: TimerOwner): void => owner.closeTimedOut();

export class ConnectionTimers {
  readonly #owner: TimerOwner;
  #ping: NodeJS.Timeout | undefined;
  #pong: NodeJS.Timeout | undefined;
  #close: NodeJS.Timeout | undefined;

  constructor(owner: TimerOwner) {
    this.#owner = owner;
  }

  /** Pings every `interval` ms (0: never). */
  startKeepalive(interval: number): void {
    if (interval > 0) this.#ping = setInterval(tick, interval, this.#owner).unref();
  }

  /** (Re)arms the pong deadline. */
  armPong(timeout: number): void {
    clearTimeout(this.#pong);
    this.#pong = setTimeout(pongDeadline, timeout, this.#owner).unref();
  }

  /** Stops the pong deadline (it is re-armed with `armPong`). */
  stopPong(): void {
    clearTimeout(this.#pong);
    this.#pong = undefined;
  }

  /** Arms the close deadline once; later calls keep the first deadline. */
  armClose(timeout: number): void {
    this.#close ??= setTimeout(closeDeadline, timeout, this.#owner).unref();
  }

  clear(): void {
    clearInterval(this.#ping);
    clearTimeout(this.#pong);
    clearTimeout(this.#close);
  }
}
