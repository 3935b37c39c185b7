// The daemon's event bus: every image/container/volume action is published here and streamed by
// `GET /events`. A bounded history lets `since` replay recent events like dockerd does.
import { EventEmitter } from 'node:events';

export type EventType = 'image' | 'container' | 'volume' | 'network' | 'daemon' | 'builder';

/** An event as the Engine API serialises it (moby api/types/events.Message, with the legacy fields). */
export interface EngineEvent {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

const HISTORY_LIMIT = 1000;

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly history: EngineEvent[] = [];
  private lastNs = 0n;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Publishes an event; `attributes.name`/`image` follow dockerd's conventions for containers and images. */
  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    // Wall-clock nanoseconds, kept strictly increasing (sub-millisecond digits come from hrtime,
    // which is not aligned with Date.now(); 1 µs steps survive the float conversion of timeNano).
    let nowNs = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    if (nowNs <= this.lastNs) nowNs = this.lastNs + 1_000n;
    this.lastNs = nowNs;
    const event: EngineEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(nowNs / 1_000_000_000n), timeNano: Number(nowNs),
    };
    if (type === 'container' || type === 'image') {
      event.status = action;
      event.id = id;
      if (type === 'container' && attributes.image) event.from = attributes.image;
    }
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    this.emitter.emit('event', event);
    return event;
  }

  /** Events already published at or after `sinceNano`. */
  replay(sinceNano: number): EngineEvent[] {
    return this.history.filter((e) => e.timeNano >= sinceNano);
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
