/**
 * Server-sent events (the WHATWG HTML "Server-sent events" format: `event:`/`data:` lines, a blank
 * line ends an event, `:` lines are comments) for routes that push changes to a connected client.
 * The route checks access first (so refusals are ordinary problem+json answers), then opens the
 * stream. Every open stream of an app is ended when the app closes, so a shutdown never waits for
 * clients to hang up.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const open = new WeakMap<FastifyInstance, Set<() => void>>();

/** Ends every event stream of `app` (its preClose hook). */
export function endEventStreams(app: FastifyInstance): void {
  for (const end of [...(open.get(app) ?? [])]) end();
}

export interface EventStream {
  send(event: string, data: unknown): void;
  /** Called once when the stream ends (the client went away, or the server closes). */
  onEnd(fn: () => void): void;
}

const HEARTBEAT_MS = 20_000;

export function openEventStream(req: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no', // proxies must pass events on at once
    'x-request-id': req.id,
  });
  // retry: how long a client waits before reconnecting; the comment tells it the stream is live
  res.write('retry: 3000\n: ready\n\n');
  const enders: (() => void)[] = [];
  const streams = open.get(reply.server) ?? new Set();
  open.set(reply.server, streams);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(beat);
    streams.delete(end);
    for (const fn of enders) fn();
    if (!res.writableEnded) res.end();
  };
  streams.add(end);
  const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  beat.unref();
  res.on('close', end); // the client went away (or the connection broke)
  return {
    send(event, data) {
      if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onEnd(fn) {
      if (ended) fn();
      else enders.push(fn);
    },
  };
}
