/** What every answer shows instead of a secret value. */
export const MASK = "****";

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;

/** Parameters whose names look secret are masked even when Jenkins types them as plain strings. */
export function isSecretParameter(name: string): boolean {
  return SECRET_NAME.test(name);
}
