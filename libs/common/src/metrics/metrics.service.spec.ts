import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('http_requests_total counts each request once per series, as the duration histogram does', async () => {
    const metrics = new MetricsService();
    metrics.observeRequest('GET', '/health', 200, 0.002);
    metrics.observeRequest('GET', '/health', 200, 0.003);
    metrics.observeRequest('POST', '/api/v1/todos', 422, 0.004);

    const text = await metrics.render();
    expect(text).toContain('http_requests_total{method="GET",route="/health",status="200"} 2');
    expect(text).toContain('http_requests_total{method="POST",route="/api/v1/todos",status="422"} 1');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/health",status="200"} 2');

    metrics.observeRequest('GET', '/health', 200, 0.001);
    expect(await metrics.render()).toContain('http_requests_total{method="GET",route="/health",status="200"} 3');
  });
});
