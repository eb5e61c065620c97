import { readClassSettings } from './read-class-settings';

const limits = { maxExecutionSeconds: 30, maxThreads: 2, maxMemoryUsageBytes: 2 * 1024 ** 3, maxConcurrentQueriesForUser: 16, osThreadPriority: 10 };

describe('readClassSettings', () => {
  it('caps threads, memory, time and the concurrency of the read class, read-only', () => {
    expect(readClassSettings(limits)).toEqual({
      readonly: '2',
      max_threads: 2,
      max_memory_usage: String(2 * 1024 ** 3),
      max_execution_time: 30,
      timeout_overflow_mode: 'throw',
      max_concurrent_queries_for_user: '16',
      os_thread_priority: '10',
    });
  });

  it('sends no concurrency cap and no thread priority when they are 0', () => {
    const settings = readClassSettings({ ...limits, maxConcurrentQueriesForUser: 0, osThreadPriority: 0 });
    expect(settings).not.toHaveProperty('max_concurrent_queries_for_user');
    expect(settings).not.toHaveProperty('os_thread_priority');
  });
});
