/**
 * Timer values of RFC 3261 §17 (Table 4) and RFC 6026 §8.
 */
export interface TimerConfig {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s (§17.1.2.2). */
  T2: number;
  /** Maximum time a message stays in the network, default 5 s (§17.1.2.2). */
  T4: number;
  /** Timer D on unreliable transports: at least 32 s (§17.1.1.2). */
  D: number;
  /** §17.2.1: the server INVITE transaction sends 100 Trying when the TU has not answered in this time. */
  trying100: number;
}

export const DEFAULT_TIMERS: Readonly<TimerConfig> = { T1: 500, T2: 4000, T4: 5000, D: 32_000, trying100: 200 };

export function timerConfig(partial: Partial<TimerConfig> = {}): TimerConfig {
  return { ...DEFAULT_TIMERS, ...partial };
}
