/**
 * The error catalog: every refusal Tandem gives has a stable `code`, an HTTP status, and a sentence a
 * person understands. The HTTP layer renders these as RFC 9457 problem+json; a test keeps the catalog
 * and the OpenAPI document in step.
 */
export const ERRORS = {
  // generic
  validation_failed: { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'Sign in first' },
  invalid_credentials: { status: 401, title: 'E-mail or password is wrong' },
  // a signed-in identity proving its password again (changing it): the session itself is valid, so not 401
  wrong_current_password: { status: 403, title: 'The current password is wrong' },
  forbidden: { status: 403, title: 'This identity may not do that' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflicts with the current state' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key was already used for a different request' },
  idempotency_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  // tenancy (§2)
  account_name_taken: { status: 409, title: 'An account with this name exists' },
  sip_domain_taken: { status: 409, title: 'This SIP domain is in use' },
  user_limit_reached: { status: 409, title: 'The account has reached its user limit' },
  email_taken: { status: 409, title: 'This e-mail address is in use' },
  site_name_taken: { status: 409, title: 'A site with this name exists in the account' },
  extension_taken: { status: 409, title: 'This extension is in use' },
  extension_length: { status: 400, title: 'The extension does not have the length the account allows' },
  extension_length_conflict: { status: 409, title: 'Existing extensions do not fit the new length rules' },
  site_in_use: { status: 409, title: 'The site still has users, numbers or devices' },
  last_admin: { status: 409, title: 'The account would be left without an account admin' },
  // numbers (§3)
  invalid_number: { status: 400, title: 'Not a valid phone number' },
  number_taken: { status: 409, title: 'This number is already allocated' },
  number_is_main: { status: 409, title: "The site's main number is read-only" },
  number_not_active: { status: 409, title: 'Only active numbers can be changed' },
  number_not_reserved: { status: 409, title: 'Only reserved numbers can be activated or released' },
  number_in_use: { status: 409, title: 'The number is in use' },
  user_has_number: { status: 409, title: 'The user already has a number' },
  number_has_no_user: { status: 409, title: 'No user is assigned to this number' },
  // features (§4)
  busy_forward_with_call_waiting: { status: 409, title: 'Forward on busy and call waiting cannot both be on' },
  forwarding_with_auth_code: { status: 409, title: 'Call forwarding is disabled while an authorization code is on' },
  destination_not_allowed: { status: 409, title: 'Calls to this destination are not allowed' },
  cli_number_not_allowed: { status: 409, title: 'The CLI number must be an active number of the same account and site' },
  forward_to_self: { status: 400, title: 'A number cannot forward calls to itself' },
  // PINs (§5)
  pin_weak: { status: 400, title: 'The PIN is too easy to guess' },
  pin_wrong: { status: 403, title: 'The PIN is wrong' },
  pin_locked: { status: 423, title: 'The PIN is locked after 3 failed attempts; an admin must reset it' },
  pin_change_required: { status: 409, title: 'The default PIN must be replaced with a custom PIN first' },
  // handsets (§6)
  handset_in_use: { status: 409, title: 'The handset already has a number logged in' },
  number_on_handset: { status: 409, title: 'The number is already logged into a handset' },
  number_not_on_handset: { status: 409, title: 'The number is not logged into a handset' },
  phone_id_taken: { status: 409, title: 'A device with this Phone ID exists' },
  device_in_use: { status: 409, title: 'The device has a number logged in' },
  handset_other_site: { status: 409, title: 'The handset belongs to another site than the number' },
  // Office Anywhere (§7)
  portal_number_in_use: { status: 409, title: 'The number is already an Office Anywhere portal number' },
  portal_number_assigned: { status: 409, title: 'The number is assigned to a user' },
  portal_number_immutable: { status: 400, title: "A portal number's own number cannot be edited" },
  alternate_phone_exists: { status: 409, title: 'The user already lists this alternate phone' },
  alternate_phone_is_office_number: { status: 409, title: 'An alternate phone must be outside the account' },
  // federation (§8)
  federation_full: { status: 409, title: 'A federation has at most 10 accounts' },
  federation_state: { status: 409, title: 'The federation is not in a state that allows this' },
  consent_text_mismatch: { status: 400, title: 'The consent text is not the one the API gave' },
  extension_collision: { status: 409, title: 'The extension is used in a federated account with extension dialing' },
  federation_collisions: { status: 409, title: 'Extensions collide between member accounts' },
  policy_widening_needs_consent: { status: 409, title: 'Sharing more needs fresh consent' },
  already_member: { status: 409, title: 'The account is already a member' },
  not_federated: { status: 409, title: 'The accounts share no federation that allows this' },
  prefix_collision: { status: 409, title: 'The prefix collides with an extension or another prefix' },
  call_rule_name_taken: { status: 409, title: 'A call rule with this name exists in the account' },
  // call records (§9, §12)
  callback_unavailable: { status: 409, title: 'Nothing leads back to this party' },
  // carrier trunks (§10)
  trunk_name_taken: { status: 409, title: 'A carrier trunk with this name exists' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A refusal from any layer; rendered by the HTTP error handler as problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly field: string | null = null,
    /** Extra machine-readable facts for the client (never foreign data). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.status = ERRORS[code].status;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found`);
export const invalid = (field: string, detail: string): AppError => new AppError('validation_failed', detail, field);

/** A [from, to) time filter whose end is not after its start, refused naming "to". */
export function checkTimeRange(from: string | undefined, to: string | undefined): void {
  if (from && to && Date.parse(from) >= Date.parse(to)) throw invalid('to', '"to" must be later than "from"');
}
