/** SIP metrics on the shared Prometheus registry (issue 5 "Operable"). */
import client from 'prom-client';

export class SipMetrics {
  readonly requests: client.Counter<'method'>;
  readonly calls: client.Counter;
  readonly callFailures: client.Counter<'status'>;
  readonly registerFailures: client.Counter<'status'>;

  constructor(registry: client.Registry, gauges: { registrations: () => number; activeCalls: () => number; transactions: () => number }) {
    const registers = [registry];
    this.requests = new client.Counter({ name: 'tandem_sip_requests_total', help: 'SIP requests received, by method', labelNames: ['method'] as const, registers });
    this.calls = new client.Counter({ name: 'tandem_sip_calls_total', help: 'Calls started (rate() of it is calls per second)', registers });
    this.callFailures = new client.Counter({ name: 'tandem_sip_call_failures_total', help: 'Calls that ended without being answered, by final SIP status', labelNames: ['status'] as const, registers });
    this.registerFailures = new client.Counter({ name: 'tandem_sip_register_failures_total', help: 'REGISTERs answered with an error, by SIP status', labelNames: ['status'] as const, registers });
    new client.Gauge({ name: 'tandem_sip_registrations', help: 'Registered contacts now', registers, collect() { this.set(gauges.registrations()); } });
    new client.Gauge({ name: 'tandem_sip_active_calls', help: 'Calls in progress now', registers, collect() { this.set(gauges.activeCalls()); } });
    new client.Gauge({ name: 'tandem_sip_transactions', help: 'Live SIP transactions now', registers, collect() { this.set(gauges.transactions()); } });
  }

  callStarted(): void {
    this.calls.inc();
  }

  callEnded(status: number): void {
    if (status >= 300) this.callFailures.inc({ status: String(status) });
  }
}
