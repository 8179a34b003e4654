import { describe, expect, it } from 'vitest';
import type { ProvisioningCycleSummary, ProvisioningJobStatus } from '../engine/engine.ts';
import {
  ACTIVE_INTERVAL,
  DISABLED_INTERVAL,
  EMPTY_HISTORY,
  NEVER,
  recordExecution,
  scheduleJson,
  statusJson,
  taskExecutionJson,
} from './sync-status.ts';
import type { JobExecution } from './sync-types.ts';

function summary(counts: Partial<ProvisioningCycleSummary> = {}): ProvisioningCycleSummary {
  return {
    cycleId: 'cycle',
    initial: false,
    created: 0,
    updated: 0,
    disabled: 0,
    deleted: 0,
    skipped: 0,
    failed: 0,
    staged: 0,
    status: 'Active',
    ...counts,
  };
}

function execution(at: string, counts: Partial<ProvisioningCycleSummary> = {}, escrowed = 0): JobExecution {
  return { began: at, ended: at, summary: summary(counts), escrowed, error: null };
}

const engine = (code: ProvisioningJobStatus['code']): ProvisioningJobStatus => ({
  code,
  quarantine: null,
  escrowsCount: 0,
  lastSuccessfulExecution: null,
  cycles: 1,
  watermark: 1,
});

describe('scheduleJson', () => {
  it('gives PT40M while the job is active and TimeSpan.MaxValue while it is disabled, as the Graph samples show', () => {
    const base = { history: EMPTY_HISTORY, connections: [] };
    expect(scheduleJson({ ...base, schedule: 'Active', engine: engine('Active') })).toEqual({
      expiration: null,
      interval: ACTIVE_INTERVAL,
      state: 'Active',
    });
    expect(ACTIVE_INTERVAL).toBe('PT40M');
    expect(DISABLED_INTERVAL).toBe('P10675199DT2H48M5.4775807S');
    for (const view of [
      { ...base, schedule: 'Disabled' as const, engine: null },
      { ...base, schedule: 'Paused' as const, engine: engine('Paused') },
      // Disabled by the engine after four weeks in quarantine.
      { ...base, schedule: 'Active' as const, engine: engine('Paused') },
    ]) {
      expect(scheduleJson(view)).toEqual({
        expiration: null,
        interval: DISABLED_INTERVAL,
        state: 'Disabled',
      });
    }
  });
});

describe('recordExecution', () => {
  it('keeps the last execution, the last successful one and the last one with exports apart', () => {
    let history = recordExecution(
      EMPTY_HISTORY,
      execution('2026-01-01T00:00:00Z', { initial: true, created: 3 }),
    );
    history = recordExecution(history, execution('2026-01-01T00:40:00Z', { skipped: 2 }));
    history = recordExecution(history, execution('2026-01-01T01:20:00Z', { updated: 1, failed: 1 }, 1));
    expect(history.last?.ended).toBe('2026-01-01T01:20:00Z');
    expect(history.lastSuccessful?.ended).toBe('2026-01-01T00:40:00Z');
    expect(history.lastWithExports?.ended).toBe('2026-01-01T01:20:00Z');
    expect(taskExecutionJson(history.last)?.state).toBe('EntryLevelErrors');
  });

  it('counts successive complete failures and resets the count on a cycle that exports', () => {
    const failed = execution('2026-01-01T00:00:00Z', { failed: 2 }, 2);
    let history = recordExecution(recordExecution(EMPTY_HISTORY, failed), failed);
    expect(history.successiveCompleteFailures).toBe(2);
    history = recordExecution(history, execution('2026-01-01T00:40:00Z', { created: 1, failed: 1 }, 1));
    expect(history.successiveCompleteFailures).toBe(0);
  });

  it('marks steady state first and last reached by cycles that end with nothing failed or escrowed', () => {
    let history = recordExecution(EMPTY_HISTORY, execution('2026-01-01T00:00:00Z', { failed: 1 }, 1));
    expect([history.steadyStateFirst, history.steadyStateLast]).toEqual([null, null]);
    history = recordExecution(history, execution('2026-01-01T00:40:00Z', { created: 1 }));
    history = recordExecution(history, execution('2026-01-01T01:20:00Z'));
    expect([history.steadyStateFirst, history.steadyStateLast]).toEqual([
      '2026-01-01T00:40:00Z',
      '2026-01-01T01:20:00Z',
    ]);
  });
});

describe('statusJson', () => {
  it('carries every synchronizationStatus property, with 0001-01-01T00:00:00Z before steady state', () => {
    const status = statusJson({
      schedule: 'Disabled',
      engine: engine('NotRun'),
      history: EMPTY_HISTORY,
      connections: [],
    });
    expect(status).toEqual({
      code: 'NotRun',
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: null,
      lastSuccessfulExecution: null,
      lastSuccessfulExecutionWithExports: null,
      progress: [],
      quarantine: null,
      steadyStateFirstAchievedTime: NEVER,
      steadyStateLastAchievedTime: NEVER,
      synchronizedEntryCountByType: [],
      troubleshootingUrl: null,
    });
    expect(NEVER).toBe('0001-01-01T00:00:00Z');
  });

  it('counts the synchronized entries by object mapping', () => {
    const status = statusJson({
      schedule: 'Active',
      engine: engine('Active'),
      history: EMPTY_HISTORY,
      connections: [
        { objectType: 'User', sourceId: 'u1', targetId: 't1', displayName: 'A' },
        { objectType: 'User', sourceId: 'u2', targetId: 't2', displayName: 'B' },
        { objectType: 'Group', sourceId: 'g1', targetId: 't3', displayName: 'G' },
      ],
    });
    expect(status.synchronizedEntryCountByType).toEqual([
      { key: 'Group to urn:ietf:params:scim:schemas:core:2.0:Group', value: 1 },
      { key: 'User to urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', value: 2 },
    ]);
  });

  it('reports NotConfigured without credentials, NotRun before the first cycle, and the engine code after', () => {
    const view = { history: EMPTY_HISTORY, connections: [] };
    expect(statusJson({ ...view, schedule: 'Disabled', engine: null }).code).toBe('NotConfigured');
    expect(statusJson({ ...view, schedule: 'Disabled', engine: engine('Paused') }).code).toBe('NotRun');
    const ran = recordExecution(EMPTY_HISTORY, execution('2026-01-01T00:00:00Z'));
    expect(
      statusJson({ schedule: 'Paused', engine: engine('Paused'), history: ran, connections: [] }).code,
    ).toBe('Paused');
  });

  it('describes an execution as synchronizationTaskExecution, Failed when the cycle stopped on an error', () => {
    const stopped: JobExecution = {
      ...execution('2026-01-01T00:00:00Z', { status: 'Quarantine' }),
      error: { code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable', message: 'no' },
    };
    expect(taskExecutionJson(stopped)).toMatchObject({
      activityIdentifier: 'cycle',
      state: 'Failed',
      error: {
        code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
        tenantActionable: true,
      },
    });
    expect(
      taskExecutionJson(execution('2026-01-01T00:00:00Z', { created: 2, skipped: 1, failed: 1 }, 1)),
    ).toMatchObject({
      countImported: 4,
      countEntitled: 3,
      countExported: 2,
      countExports: 3,
      countEscrowed: 1,
      countImportedDeltas: 4,
    });
  });
});
