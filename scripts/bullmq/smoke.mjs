// The workload of run.sh: one BullMQ queue, worker and flow against the server on port argv[2].
import { Queue, Worker, QueueEvents, FlowProducer } from 'bullmq';
const port = Number(process.argv[2]);
const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const name = 'smoke' + Date.now();
const queue = new Queue(name, { connection });
const results = [];
let failedOnce = false;
const worker = new Worker(name, async job => {
  if (job.name === 'flaky' && !failedOnce) { failedOnce = true; throw new Error('boom'); }
  if (job.name === 'bad') throw new Error('always');
  await job.updateProgress(50);
  return { doubled: job.data.n * 2, echo: job.data.s };
}, { connection, concurrency: 4 });
worker.on('completed', (job, rv) => results.push([job.name, job.data.n, rv.doubled]));
const t0 = Date.now();
for (let i = 0; i < 50; i++) await queue.add('job', { n: i, s: 'x'.repeat(i), nested: { a: [1, 2, { b: 'c' }], f: 1.5 } }, { priority: i % 3 });
await queue.addBulk([{ name: 'bulk', data: { n: 100 } }, { name: 'bulk', data: { n: 101 } }]);
await queue.add('delayed', { n: 200 }, { delay: 500 });
await queue.add('flaky', { n: 300 }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
await queue.add('bad', { n: 400 }, { attempts: 2 });
await queue.add('dedup', { n: 500 }, { jobId: 'fixed-id' });
await queue.add('dedup', { n: 501 }, { jobId: 'fixed-id' });
const flow = new FlowProducer({ connection });
await flow.add({ name: 'parent', queueName: name, data: { n: 600 }, children: [{ name: 'child', data: { n: 601 }, queueName: name }, { name: 'child', data: { n: 602 }, queueName: name }] });
while (Date.now() - t0 < 15000) {
  const c = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active', 'waiting-children', 'prioritized');
  if (c.completed === 59 && c.failed === 1) break;
  await new Promise(r => setTimeout(r, 100));
}
const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active', 'waiting-children', 'prioritized');
const failed = await queue.getFailed();
const j = await queue.getJob('fixed-id');
const repeatable = await queue.add('rep', { n: 700 }, { repeat: { every: 60000 } });
const reps = await queue.getRepeatableJobs();
results.sort((a, b) => a[1] - b[1]);
console.log(JSON.stringify({ counts, completedSample: results.slice(0, 3), nCompleted: results.length,
  failedReason: failed.map(f => [f.name, f.failedReason, f.attemptsMade]), dedupData: j.data, repeatables: reps.length,
  sum: results.reduce((s, r) => s + r[2], 0) }));
await worker.close(); await flow.close(); await queue.obliterate({ force: true }); await queue.close();
process.exit(0);
