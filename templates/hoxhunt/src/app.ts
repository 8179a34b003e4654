// Hoxhunt's own user model: the people who receive its security training. The connector's hooks
// (src/connector.ts) call it after every change Entra makes. This in-memory stand-in is where your
// application's code goes: replace its bodies with writes to your database or calls to your API.

/** A trainee as Hoxhunt keeps it. */
export interface Trainee {
  /** The SCIM id the connector gave the user. */
  readonly id: string;
  readonly userName: string;
  readonly email?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly department?: string;
  readonly division?: string;
  readonly country?: string;
  /** The language training is delivered in. */
  readonly language?: string;
  /** False once Entra deprovisions the user: training stops. */
  readonly active: boolean;
}

/** What the connector tells the application. */
export interface HoxhuntApp {
  /** A user was created or changed in Entra. */
  saveTrainee(trainee: Trainee): Promise<void>;
  /** A user was deprovisioned (disabled, unassigned, soft-deleted in Entra). */
  deactivateTrainee(id: string): Promise<void>;
  /** A user was enabled again. */
  reactivateTrainee(id: string): Promise<void>;
  /** A user was deleted in Entra. */
  deleteTrainee(id: string): Promise<void>;
}

/** The in-memory stand-in, with its trainees readable (for tests). */
export interface MemoryHoxhuntApp extends HoxhuntApp {
  readonly trainees: ReadonlyMap<string, Trainee>;
}

/** Creates the in-memory stand-in for Hoxhunt's user model. */
export function memoryHoxhuntApp(): MemoryHoxhuntApp {
  const trainees = new Map<string, Trainee>();
  const setActive = (id: string, active: boolean) => {
    const trainee = trainees.get(id);
    if (trainee) trainees.set(id, { ...trainee, active });
  };
  return {
    trainees,
    async saveTrainee(trainee) {
      trainees.set(trainee.id, trainee);
    },
    async deactivateTrainee(id) {
      setActive(id, false);
    },
    async reactivateTrainee(id) {
      setActive(id, true);
    },
    async deleteTrainee(id) {
      trainees.delete(id);
    },
  };
}
