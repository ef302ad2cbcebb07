import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry for the process: HTTP latency, job counts and durations per queue. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'Job processing time',
  labelNames: ['queue', 'name', 'outcome'],
  buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  registers: [registry],
});

export const jobsTotal = new Counter({
  name: 'jobs_total',
  help: 'Jobs processed, by outcome',
  labelNames: ['queue', 'name', 'outcome'],
  registers: [registry],
});

export const importsInProgress = new Gauge({
  name: 'loan_imports_in_progress',
  help: 'Loan imports being received or loaded by this process',
  registers: [registry],
});

export const jobFailures = new Counter({
  name: 'job_failures_total',
  help: 'Job attempts that failed; final="true" when no retry is left',
  labelNames: ['queue', 'name', 'final'],
  registers: [registry],
});
