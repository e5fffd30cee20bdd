// A frontend's use of the example operations: if the schema renames or retypes what these read, the
// generated types change and this no longer compiles.
import type {
  AuditTrailQuery,
  AuditTrailQueryVariables,
  EnterpriseCredentialsQuery,
  EnterpriseCredentialsQueryVariables,
  SignInMutation,
  VerifyUsccsQuery,
  VerifyUsccsQueryVariables,
} from "../generated/graphql";

/** The shape of a GraphQL response whose errors carry our codes. */
interface GraphqlResponse<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; requestId?: string } }[];
}

async function request<Data, Variables>(query: string, variables: Variables, token?: string): Promise<Data> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as GraphqlResponse<Data>;
  if (!body.data) throw new Error(body.errors?.map((e) => `${e.extensions?.code}: ${e.message}`).join("; "));
  return body.data;
}

/** Lines of an enterprise's profile page: each credential and until when it holds. */
export function credentialLines(data: EnterpriseCredentialsQuery): string[] {
  const enterprise = data.enterprise;
  if (!enterprise) return [];
  return enterprise.credentials.map((credential) => {
    const until: string = credential.validUntil ?? "open-ended";
    return `${enterprise.name} (${enterprise.region.name}): ${credential.kind} ${credential.status} until ${until}, ${credential.grantingBureau.name}`;
  });
}

/** Which codes of a batch check are good in the region. */
export function validCodes(data: VerifyUsccsQuery): string[] {
  return data.verifyCredentials.filter((item) => item.codeValid && item.valid).map((item) => item.uscc);
}

/** When a sign-in's token expires, as a Date the UI counts down to. */
export function expiry(data: SignInMutation): Date {
  const expiresAt: string = data.login.expiresAt;
  return new Date(expiresAt);
}

/** The audit screen's rows. */
export function auditRows(data: AuditTrailQuery): { at: string; action: string; before: unknown }[] {
  return data.auditEvents.nodes.map((event) => ({ at: event.at, action: event.action, before: event.before }));
}

export async function loadProfile(query: string, variables: EnterpriseCredentialsQueryVariables, token: string) {
  return credentialLines(await request<EnterpriseCredentialsQuery, EnterpriseCredentialsQueryVariables>(query, variables, token));
}

export async function checkCodes(query: string, variables: VerifyUsccsQueryVariables) {
  return validCodes(await request<VerifyUsccsQuery, VerifyUsccsQueryVariables>(query, variables));
}

export async function loadAudit(query: string, variables: AuditTrailQueryVariables, token: string) {
  return auditRows(await request<AuditTrailQuery, AuditTrailQueryVariables>(query, variables, token));
}
