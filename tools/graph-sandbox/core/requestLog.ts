// Every request the sandbox answered, so a test can assert that the app only sent requests the
// OpenAPI description allows (`valid`), and a benchmark can count what it sent.

export interface SandboxRequestRecord {
  /** Wall-clock time the request was answered (not the sandbox's `now`, which may be fixed). */
  at: string;
  method: string;
  /** As received, without the query: '/v1.0/users/amara.okafor%40contoso.example/events'. */
  path: string;
  /** The query string without '?', when there was one. */
  query?: string;
  operationId?: string;
  /** Object id of the `{user-id}` mailbox, when the request named a known user. */
  mailbox?: string;
  status: number;
  /** False when the request broke the contract: no bearer token, an undescribed operation, or a schema violation. */
  valid: boolean;
  validationErrors?: string[];
  /** The ODataError code of an error answer. */
  errorCode?: string;
  inBatch?: boolean;
}

export class RequestLog {
  private records: SandboxRequestRecord[] = [];

  add(record: SandboxRequestRecord): void {
    this.records.push(record);
  }

  all(): SandboxRequestRecord[] {
    return [...this.records];
  }

  clear(): void {
    this.records = [];
  }
}
