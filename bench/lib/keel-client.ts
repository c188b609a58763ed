import type http from 'node:http';
import { httpRequest, keepAliveAgent } from './http-request.ts';

/** A small JSON client for setup and seeding calls (not for timed loops: use runLoad). */
export class KeelClient {
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly headers: http.OutgoingHttpHeaders;

  constructor(baseUrl: string, apiKey: string, maxSockets = 32) {
    this.agent = keepAliveAgent(maxSockets);
    this.url = new URL(baseUrl);
    this.headers = { authorization: `Bearer ${apiKey}` };
  }

  get authHeaders(): http.OutgoingHttpHeaders {
    return this.headers;
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await httpRequest({ agent: this.agent, url: this.url, method, path, headers: this.headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = response.body.toString('utf8');
    if (response.status < 200 || response.status > 299) throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async createExperiment(name: string): Promise<string> {
    return (await this.post<{ experiment_id: string }>('/api/2.0/mlflow/experiments/create', { name })).experiment_id;
  }

  async createRun(experimentId: string, startTime?: number): Promise<string> {
    const body = startTime === undefined ? { experiment_id: experimentId } : { experiment_id: experimentId, start_time: startTime };
    return (await this.post<{ run: { info: { run_id: string } } }>('/api/2.0/mlflow/runs/create', body)).run.info.run_id;
  }

  close(): void {
    this.agent.destroy();
  }
}
