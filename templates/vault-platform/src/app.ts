// Vault Platform's own user model: each organization's employees. The connector's hooks
// (src/connector.ts) call it after every change Entra makes. This in-memory stand-in is where your
// application's code goes: replace its bodies with writes to your database or calls to your API.

/** An employee as Vault Platform keeps it: the attributes its guide requires, and the optional two. */
export interface Employee {
  /** The SCIM id the connector gave the user. */
  readonly id: string;
  /** The organization (the `{organization-slug}` of the Tenant URL). */
  readonly organization: string;
  readonly userName: string;
  readonly externalId: string;
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly displayName?: string;
  readonly title: string;
  readonly locality: string;
  readonly country: string;
  readonly employeeNumber: string;
  readonly department: string;
  /** The SCIM id of the employee's manager. */
  readonly managerId?: string;
  /** False once Entra deprovisions the user. */
  readonly active: boolean;
}

/** What the connector tells the application. */
export interface VaultPlatformApp {
  /** A user was created or changed in Entra. */
  saveEmployee(employee: Employee): Promise<void>;
  /** A user was deleted in Entra. */
  deleteEmployee(organization: string, id: string): Promise<void>;
}

/** The in-memory stand-in, with its employees readable (for tests). */
export interface MemoryVaultPlatformApp extends VaultPlatformApp {
  /** Employees by `organization/id`. */
  readonly employees: ReadonlyMap<string, Employee>;
}

/** Creates the in-memory stand-in for Vault Platform's user model. */
export function memoryVaultPlatformApp(): MemoryVaultPlatformApp {
  const employees = new Map<string, Employee>();
  return {
    employees,
    async saveEmployee(employee) {
      employees.set(`${employee.organization}/${employee.id}`, employee);
    },
    async deleteEmployee(organization, id) {
      employees.delete(`${organization}/${id}`);
    },
  };
}
