/** Reading the apps' /metrics (Prometheus text format) in the benchmarks. */
import { BENCH_METRICS_TOKEN } from './pulse-config';

/** GET <url>/metrics as text, with the metrics token of the configs this process writes; throws when the app does not answer 200. */
export async function scrapeMetrics(url: string, token = BENCH_METRICS_TOKEN): Promise<string> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  return response.text();
}
