/** What a client is told about one error code: its HTTP status, a short title, what it means and what to do. */
export interface ErrorCatalogueEntry {
  readonly status: number;
  readonly title: string;
  readonly description: string;
}

/**
 * Every error code ChargeFlow answers with, declared once. Services' domain errors, the gateway's own
 * problems and its OpenAPI examples take their status and title from here; `GET /v1/problems` lists it.
 */
export const ErrorCatalogue = {
  // The problem of a status when nothing more specific is known.
  BAD_REQUEST: {
    status: 400,
    title: 'Bad request',
    description: 'The request is malformed in a way no more specific code names; correct it before sending it again.',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    description: 'The request is not allowed for a reason no more specific code names; do not send it again unchanged.',
  },
  NOT_FOUND: {
    status: 404,
    title: 'Not found',
    description: 'What the request names does not exist; check the identifiers it carries.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    description: 'The route does not take this HTTP method; use one the API documents for it.',
  },
  CONFLICT: {
    status: 409,
    title: 'Conflict',
    description:
      'The request conflicts with the current state of a resource; read it again before deciding what to send.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    description: "The request body is over the gateway's size limit; send less at once, for example a smaller batch.",
  },
  NOT_ACCEPTABLE: {
    status: 406,
    title: 'Not acceptable',
    description: 'The route cannot answer in a media type the Accept header allows; accept application/json.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request timeout',
    description: 'The request did not arrive completely in time; send it again, whole.',
  },
  GONE: {
    status: 410,
    title: 'Gone',
    description: 'What the request names existed but is gone for good; do not ask for it again.',
  },
  LENGTH_REQUIRED: {
    status: 411,
    title: 'Length required',
    description: 'The request body has no declared length; send it with a Content-Length header.',
  },
  PRECONDITION_FAILED: {
    status: 412,
    title: 'Precondition failed',
    description: 'A condition the request set in its headers does not hold; read the resource again first.',
  },
  URI_TOO_LONG: {
    status: 414,
    title: 'URI too long',
    description:
      'The request URL is over the length the gateway takes; move long values into the body or shorten them.',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    title: 'Range not satisfiable',
    description: 'The requested byte range lies outside the resource; ask for a range within it, or for all of it.',
  },
  REQUEST_HEADER_FIELDS_TOO_LARGE: {
    status: 431,
    title: 'Request header fields too large',
    description: 'The request headers are over the size the gateway takes; send fewer or shorter headers.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    description: 'The request body is not JSON; send it with "Content-Type: application/json".',
  },
  UNPROCESSABLE: {
    status: 422,
    title: 'Unprocessable content',
    description:
      'The request is well formed but breaks a rule no more specific code names; correct it before sending it again.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    description: 'The API key, or the address without a valid key, is over its rate limit; wait Retry-After seconds.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal server error',
    description: 'Something failed that should not have; retry later, and report the requestId if it persists.',
  },
  GATEWAY_TIMEOUT: {
    status: 504,
    title: 'Gateway timeout',
    description:
      'Something the request waited for did not answer before its deadline, so its outcome is unknown; check the state before sending it again.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    description:
      'A service behind the gateway did not answer in time; send the request again, with the same Idempotency-Key for a command.',
  },
  BROKER_UNAVAILABLE: {
    status: 503,
    title: 'Message broker unavailable',
    description:
      'The message broker is unreachable, blocks publishers (a memory or disk alarm), or did not confirm in time; send the request again later, unchanged: samples are counted once by telemetryId.',
  },

  // Who is calling.
  UNAUTHENTICATED: {
    status: 401,
    title: 'Unauthenticated',
    description: 'The route needs an API key and none was sent; send one as "Authorization: Bearer <key>".',
  },
  API_KEY_INVALID: {
    status: 401,
    title: 'Invalid API key',
    description: 'The API key is not one the gateway issued, or is not sent as a bearer token; check the key you send.',
  },
  API_KEY_REVOKED: {
    status: 401,
    title: 'API key revoked',
    description: 'The API key has been revoked; ask an admin for a new one.',
  },
  API_KEY_EXPIRED: {
    status: 401,
    title: 'API key expired',
    description: 'The API key is past its expiry; ask an admin for a new one.',
  },
  ROLE_NOT_ALLOWED: {
    status: 403,
    title: 'Role not allowed',
    description: "The API key's role may not call this route; use a key with one of the roles the route allows.",
  },
  DEVICE_NOT_BOUND: {
    status: 403,
    title: 'Device not bound',
    description: 'A device key acts only for the vehicle or station it is bound to; send data for that one only.',
  },
  ROUTE_NOT_DECLARED: {
    status: 403,
    title: 'Route not declared',
    description: 'The route declares no roles, so the gateway keeps it closed; report it, no request can open it.',
  },

  // What the request carries.
  ROUTE_NOT_FOUND: {
    status: 404,
    title: 'Route not found',
    description: 'No route answers this method and path; check them against the OpenAPI document.',
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'Validation failed',
    description: 'Fields of the request are missing, unknown or invalid, each listed in errors; correct them.',
  },
  MALFORMED_JSON: {
    status: 400,
    title: 'Malformed JSON',
    description: 'The request body is empty or not valid JSON; send a JSON document.',
  },
  INVALID_CURSOR: {
    status: 400,
    title: 'Invalid cursor',
    description: 'The cursor is not one this list handed out; pass nextCursor from the previous page as it is.',
  },
  QUERY_TOO_COSTLY: {
    status: 413,
    title: 'Request too costly',
    description:
      "The request needed more database work than the service's statement timeout allows, and the work was stopped (nothing is left running); ask for less: a shorter period, a smaller page, a narrower filter.",
  },
  INVALID_BATCH_SIZE: {
    status: 400,
    title: 'Invalid batch size',
    description: 'A telemetry post carries no sample or more than the maximum; send between 1 and 1,000 samples.',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    title: 'Invalid Idempotency-Key',
    description: 'The Idempotency-Key is not 1 to 255 visible ASCII characters sent once; send one that is.',
  },
  IDEMPOTENCY_NOT_SUPPORTED: {
    status: 400,
    title: 'Idempotency-Key not supported',
    description:
      'The route cannot replay its response, so it refuses an Idempotency-Key; send the request without one.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency-Key reused',
    description: 'The Idempotency-Key was used for a different request; use a new key for a new request.',
  },
  IDEMPOTENCY_REQUEST_IN_PROGRESS: {
    status: 409,
    title: 'Request in progress',
    description: 'A request with this Idempotency-Key is still being handled; retry after Retry-After seconds.',
  },

  // The gateway's own resources.
  API_KEY_NAME_TAKEN: {
    status: 409,
    title: 'API key name taken',
    description: 'An active API key already has this name; choose another name or revoke that key first.',
  },
  API_KEY_NOT_FOUND: {
    status: 404,
    title: 'API key not found',
    description: 'No API key has this id; list the keys to find the one you mean.',
  },
  UNKNOWN_SERVICE: {
    status: 404,
    title: 'Unknown service',
    description: 'No service has this name; use one of sessions, telemetry, pricing and analytics.',
  },
  UNKNOWN_ERROR_CODE: {
    status: 404,
    title: 'Unknown error code',
    description: 'The catalogue has no such error code; GET /v1/problems lists every code.',
  },
  NOT_READY: {
    status: 503,
    title: 'Not ready',
    description: 'A service, its database or the broker is down or slow; do not route traffic here until it is ready.',
  },

  // Between the gateway and the services.
  MALFORMED_REQUEST: {
    status: 400,
    title: 'Malformed request',
    description: 'A service received a request that is not a valid envelope; report it with the requestId.',
  },
  UNKNOWN_OPERATION: {
    status: 404,
    title: 'Unknown operation',
    description:
      'A service has no handler for the operation asked of it, as can happen during an upgrade; retry later.',
  },

  // Rides, charging sessions and the fleet (sessions service).
  VEHICLE_NOT_FOUND: {
    status: 404,
    title: 'Vehicle not found',
    description: 'No vehicle has this id; register the vehicle first or check the id.',
  },
  STATION_NOT_FOUND: {
    status: 404,
    title: 'Station not found',
    description: 'No station has this id; register the station first or check the id.',
  },
  RIDER_NOT_FOUND: {
    status: 404,
    title: 'Rider not found',
    description: 'No rider has this id; register the rider first or check the id.',
  },
  ID_TAG_TAKEN: {
    status: 409,
    title: 'IdTag taken',
    description:
      'Another token has this idTag (compared case-insensitively, revoked ones included); choose another idTag.',
  },
  TOKEN_NOT_FOUND: {
    status: 404,
    title: 'Token not found',
    description: 'The rider has no token with this id; list the rider’s tokens to find it.',
  },
  ENERGY_EXCEEDS_CAPACITY: {
    status: 422,
    title: 'Energy exceeds capacity',
    description: "The energy given is more than the vehicle's battery can hold; send at most its capacity.",
  },
  SESSION_NOT_FOUND: {
    status: 404,
    title: 'Session not found',
    description: 'No session of this kind has this id; check the id and whether it is a ride or a charging session.',
  },
  SESSION_ALREADY_FINALIZED: {
    status: 409,
    title: 'Session already finalized',
    description: 'The session has already ended and its totals are fixed; the finalized session is in session.',
  },
  VEHICLE_HAS_ACTIVE_SESSION: {
    status: 409,
    title: 'Vehicle has an active session',
    description: 'The vehicle is in another active session, named in activeSessionId; end that one first.',
  },
  STATION_HAS_ACTIVE_SESSION: {
    status: 409,
    title: 'Station has an active session',
    description: 'The station is charging another session, named in activeSessionId; end that one first.',
  },
  SESSION_ENDS_BEFORE_START: {
    status: 409,
    title: 'Session ends before its start',
    description:
      'The session would end before its start, which lies in the future; end it again once its start has passed.',
  },
  TELEMETRY_UNAVAILABLE: {
    status: 503,
    title: 'Telemetry unavailable',
    description:
      'The telemetry service did not seal the session in time; the session stays Active with its end recorded and is finalized at the seal once telemetry answers, without another request.',
  },

  // Device credentials (broker users of vehicles and stations).
  DEVICE_CREDENTIAL_EXISTS: {
    status: 409,
    title: 'Device credential exists',
    description:
      'The vehicle or station already has broker credentials (passwords are shown once); delete them to issue new ones.',
  },
  DEVICE_CREDENTIAL_NOT_FOUND: {
    status: 404,
    title: 'Device credential not found',
    description: 'No device credential has this id; list them to find the one you mean.',
  },

  // Tariffs and billing (pricing service).
  TARIFF_NOT_FOUND: {
    status: 404,
    title: 'Tariff not found',
    description: 'No tariff has this id; list the tariffs to find the one you mean.',
  },
  TARIFF_ALREADY_EXISTS: {
    status: 409,
    title: 'Tariff already exists',
    description: 'What the tariff applies to already has a tariff, named in tariffId; publish a new version of it.',
  },
  TARIFF_INVALID: {
    status: 422,
    title: 'Tariff invalid',
    description: 'The tariff breaks the rules of an OCPI 2.2.1 tariff, each listed in errors; correct them.',
  },
  TARIFF_TARGET_CHANGED: {
    status: 422,
    title: 'Tariff target changed',
    description: 'A new version must apply to what its tariff applies to; create another tariff for another target.',
  },
  EFFECTIVE_FROM_BEFORE_PREVIOUS: {
    status: 422,
    title: 'Effective before the previous version',
    description: 'A new version cannot take effect before the previous one; give a later effectiveFrom.',
  },
  EFFECTIVE_FROM_IN_PAST: {
    status: 422,
    title: 'Effective in the past',
    description:
      'A next version of a tariff cannot take effect before now, so records keep the version that priced them; give a later effectiveFrom or none.',
  },
  QUOTE_SPAN_TOO_LONG: {
    status: 400,
    title: 'Quote span too long',
    description: 'A quote covers at most 31 days from startedAt to endedAt; quote a shorter session.',
  },
  VERIFICATION_NOT_FOUND: {
    status: 404,
    title: 'Verification not found',
    description:
      'No billing verification has this id; start one with POST /v1/billing/verify and use the id it answers.',
  },
  TARIFF_NOT_IN_FORCE: {
    status: 409,
    title: 'Tariff not in force',
    description: 'No version of the tariff is in force yet; quote again once its first version takes effect.',
  },
  TARIFF_NOT_APPLICABLE: {
    status: 422,
    title: 'Tariff not applicable',
    description: 'The tariff prices another kind of session than the one given; quote with a tariff of that kind.',
  },
  UNKNOWN_CURRENCY: {
    status: 422,
    title: 'Unknown currency',
    description: 'No minor unit is known for the currency, so amounts cannot be rounded; use an ISO 4217 currency.',
  },
  PRICING_INPUT_INVALID: {
    status: 400,
    title: 'Pricing input invalid',
    description: 'The session to price has invalid fields, each listed in errors; correct them.',
  },
  PRICING_ENDS_BEFORE_START: {
    status: 400,
    title: 'Priced session ends before its start',
    description: 'The session to price ends before it starts; send an endedAt after its startedAt.',
  },
  BILLING_RECORD_NOT_FOUND: {
    status: 404,
    title: 'Billing record not found',
    description: 'The session has no billing record yet; retry shortly after it is finalized, or check the id.',
  },
  SESSION_NOT_FINALIZED: {
    status: 409,
    title: 'Session not finalized',
    description: 'The session is still active and is billed once it is finalized; end it, or ask again later.',
  },

  // Charge points over OCPP (central-system).
  CHARGE_POINT_ALREADY_REGISTERED: {
    status: 409,
    title: 'Charge point already registered',
    description: 'A charge point with this id is already registered and keeps its password; choose another id.',
  },
  CHARGE_POINT_NOT_FOUND: {
    status: 404,
    title: 'Charge point not found',
    description: 'No charge point is registered with this id; register it first or check the id.',
  },
  CHARGE_POINT_NOT_CONNECTED: {
    status: 409,
    title: 'Charge point not connected',
    description:
      'The charge point has no open OCPP connection to the central-system now; send the command once it is back.',
  },
  CHARGE_POINT_TIMEOUT: {
    status: 504,
    title: 'Charge point timeout',
    description:
      'The charge point did not answer the command before its deadline, so whether it acted is unknown; read its state before sending it again.',
  },
  STATION_HAS_NO_CONNECTOR: {
    status: 409,
    title: 'Station has no connector',
    description: 'The station is not linked to an OCPP charge point connector; link it with ocpp on the station first.',
  },
  TRANSACTION_NOT_FOUND: {
    status: 404,
    title: 'Transaction not found',
    description:
      'No running OCPP transaction belongs to this charging session; it was not started by a charge point or has stopped.',
  },
  CONNECTOR_ALREADY_LINKED: {
    status: 409,
    title: 'Connector already linked',
    description:
      'This charge point connector is already linked to another station, named in stationId; unlink it there first.',
  },

  // Analytics (analytics service).
  ANALYTICS_REBUILDING: {
    status: 503,
    title: 'Analytics rebuilding',
    description:
      'The analytics projection is being rebuilt from upstream and answers no queries until it is whole; ask again once the progress is complete.',
  },
  ANALYTICS_REBUILD_IN_PROGRESS: {
    status: 409,
    title: 'Analytics rebuild in progress',
    description:
      'A rebuild of the analytics projection is already running; follow its progress instead of starting another.',
  },
  ANALYTICS_VERIFY_RUN_NOT_FOUND: {
    status: 404,
    title: 'Analytics verification not found',
    description: 'No verification of the analytics projection has this id; start one with POST /v1/analytics/verify.',
  },
} as const satisfies Record<string, ErrorCatalogueEntry>;

export type ErrorCode = keyof typeof ErrorCatalogue;

export const ErrorCodes = Object.keys(ErrorCatalogue) as ErrorCode[];

/** The codes whose status is `Status` (one of them, for a union). */
export type ErrorCodeWithStatus<Status extends number> = {
  [Code in ErrorCode]: (typeof ErrorCatalogue)[Code]['status'] extends Status ? Code : never;
}[ErrorCode];

/** True for a code of this catalogue; a newer service may answer with one an older gateway lacks. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ErrorCatalogue, code);
}
