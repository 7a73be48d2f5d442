/**
 * Test support for the transaction layer (imported by *.test.ts only): a transport that records what
 * is sent, a recording TU, and message fixtures.
 */
import { parseMessage } from '../message/parser.ts';
import type { Endpoint, SipMessage, SipRequest, SipResponse } from '../message/types.ts';
import { responseTarget, stampReceivedVia } from '../transport/via.ts';
import type { ClientTransaction } from './client.ts';
import type { Clock } from './clock.ts';
import type { ServerTransaction } from './server.ts';
import type { ClientTransactionHandler, TransactionTransport, TransactionUser, TransportProtocol } from './types.ts';

export interface Sent {
  msg: SipMessage;
  dest: Endpoint;
  /** Clock time of the send. */
  at: number;
}

export class FakeTransport implements TransactionTransport {
  readonly sent: Sent[] = [];
  failNext = 0;
  private receiver: ((msg: SipMessage, source: Endpoint) => void) | null = null;

  constructor(private readonly clock: Clock) {}

  send(buf: Buffer, dest: Endpoint): Promise<void> {
    this.sent.push({ msg: parseMessage(buf), dest, at: this.clock.now() });
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('network unreachable'));
    }
    return Promise.resolve();
  }
  supports(p: TransportProtocol): boolean {
    return p === 'UDP' || p === 'TCP';
  }
  sentBy(p: TransportProtocol): { host: string; port: number } {
    return { host: '192.0.2.10', port: p === 'TCP' ? 5070 : 5060 };
  }
  responseTarget = responseTarget;
  setReceiver(r: (msg: SipMessage, source: Endpoint) => void): void {
    this.receiver = r;
  }
  /** Delivers a message as the transport layer would (parsed, top Via stamped). */
  deliver(text: string | Buffer, source: Endpoint): SipMessage {
    const msg = parseMessage(typeof text === 'string' ? Buffer.from(text) : text);
    if (msg.kind === 'request') stampReceivedVia(msg, source);
    this.receiver!(msg, source);
    return msg;
  }
  /** Sent messages summarised as "METHOD@time" or "status@time" strings. */
  summary(): string[] {
    return this.sent.map((s) => `${s.msg.kind === 'request' ? s.msg.method : s.msg.status}@${s.at}`);
  }
  clear(): void {
    this.sent.length = 0;
  }
}

export class RecordingTU implements TransactionUser {
  readonly requests: ServerTransaction[] = [];
  readonly acks: SipRequest[] = [];
  readonly stray: SipResponse[] = [];
  readonly serverTimeouts: ServerTransaction[] = [];
  readonly serverErrors: ServerTransaction[] = [];
  onRequestHook: ((tx: ServerTransaction) => void) | null = null;
  onRequest(tx: ServerTransaction): void {
    this.requests.push(tx);
    this.onRequestHook?.(tx);
  }
  onAck(ack: SipRequest): void {
    this.acks.push(ack);
  }
  onStrayResponse(res: SipResponse): void {
    this.stray.push(res);
  }
  onServerTimeout(tx: ServerTransaction): void {
    this.serverTimeouts.push(tx);
  }
  onServerTransportError(tx: ServerTransaction): void {
    this.serverErrors.push(tx);
  }
}

export class RecordingHandler implements ClientTransactionHandler {
  readonly responses: number[] = [];
  readonly events: string[] = [];
  onResponse(res: SipResponse, _tx: ClientTransaction): void {
    this.responses.push(res.status);
    this.events.push(String(res.status));
  }
  onTerminated(_tx: ClientTransaction): void {
    this.events.push('terminated');
  }
}

export const UDP_PEER: Endpoint = { transport: 'UDP', address: '192.0.2.20', port: 5062 };
export const TCP_PEER: Endpoint = { transport: 'TCP', address: '192.0.2.20', port: 40000, connectionId: 'tcp-1' };

export function requestText(method: string, opts: { branch?: string; transport?: string; sentBy?: string; toTag?: string; cseq?: number; uri?: string; extra?: string[] } = {}): string {
  const branch = opts.branch ?? 'z9hG4bKsrv1';
  return [
    `${method} ${opts.uri ?? 'sip:bob@192.0.2.10'} SIP/2.0`,
    `Via: SIP/2.0/${opts.transport ?? 'UDP'} ${opts.sentBy ?? '192.0.2.20:5062'};branch=${branch}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=fa',
    `To: <sip:bob@example.com>${opts.toTag ? ';tag=' + opts.toTag : ''}`,
    'Call-ID: cid-1',
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** A response to a request we sent, as the peer would write it. */
export function responseText(req: SipRequest, status: number, toTag: string | null = 'tb'): string {
  const to = req.headers.get('To')! + (toTag && status > 100 ? `;tag=${toTag}` : '');
  return [
    `SIP/2.0 ${status} X`,
    ...req.headers.getAll('Via').map((v) => `Via: ${v}`),
    `From: ${req.headers.get('From')}`,
    `To: ${to}`,
    `Call-ID: ${req.callId}`,
    `CSeq: ${req.cseq.seq} ${req.cseq.method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
