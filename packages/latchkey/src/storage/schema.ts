// Row types of every table, as Kysely sees them. Times are epoch milliseconds; JSON columns are text.
export interface StoreMetaTable {
  key: string;
  value: string;
}

export interface KeyringChecksTable {
  version: number;
  check_value: Buffer;
  created_at: number;
}

export interface OrgsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface HumansTable {
  id: string;
  org_id: string;
  name: string;
  created_at: number;
}

export interface OperatorTokensTable {
  id: string;
  org_id: string;
  human_id: string;
  secret_hash: Buffer;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface AgentsTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  status: 'active' | 'suspended' | 'revoked';
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface AgentKeysTable {
  id: string;
  org_id: string;
  agent_id: string;
  secret_hash: Buffer;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface AuditEventsTable {
  org_id: string;
  seq: number;
  id: string;
  at: number;
  agent_id: string | null;
  actor: string;
  delegation_chain: string;
  action: string;
  target: string;
  outcome: string;
  reason: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  org_id: string;
  seq: number;
  hash: string;
}

export interface StoreSecretsTable {
  name: string;
  wrapped_key: Buffer;
  created_at: number;
}

export interface VaultItemsTable {
  id: string;
  org_id: string;
  agent_id: string;
  name: string;
  type: 'login' | 'totp' | 'secret';
  url: string | null;
  wrapped_key: Buffer;
  secrets_sealed: Buffer | null;
  otp_sealed: Buffer | null;
  backup_codes_sealed: Buffer | null;
  otp_kind: 'totp' | 'hotp' | null;
  otp_algorithm: string | null;
  otp_digits: number | null;
  otp_period: number | null;
  otp_encoder: string | null;
  otp_issuer: string | null;
  otp_account: string | null;
  hotp_counter: number | null;
  totp_last_step: number | null;
  backup_codes_total: number;
  backup_codes_used: number;
  created_at: number;
  updated_at: number;
}

export interface KeyringHoldersTable {
  instance_id: string;
  primary_version: number;
  /** Comma-separated versions the instance holds. */
  versions: string;
  seen_at: number;
}

export interface MessagesTable {
  id: string;
  org_id: string;
  agent_id: string;
  channel: 'email' | 'sms';
  received_at: number;
  read_at: number | null;
  size: number;
  spf: string;
  dkim: string;
  dmarc: string;
  verdict: 'pass' | 'fail' | 'neutral' | 'none';
  /** 0 or 1. */
  has_code: number;
  /** 0 or 1. */
  has_link: number;
  wrapped_key: Buffer;
  summary: Buffer;
  body: Buffer;
}

export interface PhoneNumbersTable {
  id: string;
  org_id: string;
  agent_id: string;
  number: string;
  created_by: string;
  created_at: number;
}

export interface WebhookClaimsTable {
  source: string;
  id: string;
  expires_at: number;
}

export interface RelayRequestsTable {
  id: string;
  org_id: string;
  agent_id: string;
  approver_id: string;
  status: 'pending_approval' | 'approved' | 'otp_received' | 'consumed' | 'denied' | 'expired' | 'cancelled';
  reason: string;
  expected_sender: string | null;
  channel: 'email' | 'sms' | 'any';
  filter_from: string | null;
  filter_pattern: string | null;
  public_key: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
  decided_by: string | null;
  decided_at: number | null;
  standing_approval_id: string | null;
  captured_at: number | null;
  captured_channel: 'email' | 'sms' | null;
  received_at: number | null;
  consumed_at: number | null;
  enc: string | null;
  ciphertext: string | null;
  sealed_from: Buffer | null;
  wrapped_key: Buffer | null;
}

export interface RelayStandingApprovalsTable {
  id: string;
  org_id: string;
  human_id: string;
  agent_id: string;
  sender: string;
  max_codes: number;
  remaining: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface RelaySettingsTable {
  human_id: string;
  org_id: string;
  webhook_url: string | null;
  webhook_secret: Buffer | null;
  wrapped_key: Buffer | null;
  webhook_updated_at: number | null;
  capture_token_hash: Buffer | null;
  capture_token_created_at: number | null;
  updated_at: number;
}

export interface RelayDeliveriesTable {
  id: string;
  org_id: string;
  human_id: string;
  event_type: string;
  payload: string;
  dedupe_key: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  next_attempt_at: number;
  claimed_until: number;
  created_at: number;
  finished_at: number | null;
  last_error: string | null;
  last_status: number | null;
}

/** The whole schema. */
export interface Database {
  store_meta: StoreMetaTable;
  keyring_checks: KeyringChecksTable;
  store_secrets: StoreSecretsTable;
  orgs: OrgsTable;
  humans: HumansTable;
  operator_tokens: OperatorTokensTable;
  agents: AgentsTable;
  agent_keys: AgentKeysTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  vault_items: VaultItemsTable;
  keyring_holders: KeyringHoldersTable;
  messages: MessagesTable;
  phone_numbers: PhoneNumbersTable;
  webhook_claims: WebhookClaimsTable;
  relay_requests: RelayRequestsTable;
  relay_standing_approvals: RelayStandingApprovalsTable;
  relay_settings: RelaySettingsTable;
  relay_deliveries: RelayDeliveriesTable;
}
