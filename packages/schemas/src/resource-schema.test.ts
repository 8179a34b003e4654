import { describe, expect, it } from 'vitest';
import { groupResourceSchema, userResourceSchema } from './resource-schema.ts';
import { URN } from './urns.ts';

describe('ResourceSchema', () => {
  it('resolves attribute names case-insensitively to canonical paths', () => {
    expect(userResourceSchema.resolvePath('UserName')?.path).toBe('userName');
    expect(userResourceSchema.resolvePath('NAME.GIVENNAME')?.path).toBe('name.givenName');
    expect(userResourceSchema.resolvePath('emails.Value')?.definition.type).toBe('string');
  });

  it('resolves the common attributes of RFC 7643 section 3.1', () => {
    expect(userResourceSchema.resolvePath('id')?.schemaUrn).toBeUndefined();
    expect(userResourceSchema.resolvePath('meta.lastModified')?.definition.type).toBe('dateTime');
    expect(groupResourceSchema.resolvePath('externalId')?.definition.caseExact).toBe(true);
  });

  it('resolves URN-prefixed paths of the core schema and of extensions', () => {
    const manager = userResourceSchema.resolvePath(`${URN.EnterpriseUser}:manager.value`);
    expect(manager?.path).toBe(`${URN.EnterpriseUser}:manager.value`);
    expect(manager?.inExtension).toBe(true);
    expect(userResourceSchema.resolvePath(`${URN.User}:userName`)?.inExtension).toBe(false);
    expect(userResourceSchema.resolvePath(`${URN.EnterpriseUser.toUpperCase()}:EmployeeNumber`)?.path).toBe(
      `${URN.EnterpriseUser}:employeeNumber`,
    );
  });

  it('answers undefined for what the schema lacks', () => {
    expect(userResourceSchema.resolvePath('nope')).toBeUndefined();
    expect(userResourceSchema.resolvePath('name.nope')).toBeUndefined();
    expect(userResourceSchema.resolvePath('userName.value')).toBeUndefined();
    expect(userResourceSchema.resolvePath('a.b.c')).toBeUndefined();
    expect(groupResourceSchema.resolvePath(`${URN.EnterpriseUser}:department`)).toBeUndefined();
    // an extension attribute needs its URN
    expect(userResourceSchema.resolvePath('employeeNumber')).toBeUndefined();
  });
});
