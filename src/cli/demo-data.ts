/** Demo data set (being written). */
import type { Services } from '../services/context.ts';
export async function loadDemo(_s: Services, _opts: { credentialsFile?: string }): Promise<string> {
  throw new Error('demo data is not written yet');
}
