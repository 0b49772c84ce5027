/** Names of the protocol's sentinel errors, the same as the Go package's (docs/protocol.md). */
export type ErrorCode =
  | 'ErrMalformed'
  | 'ErrOversize'
  | 'ErrBadSignature'
  | 'ErrUnsupportedSuite'
  | 'ErrUnsupportedVersion'
  | 'ErrDowngrade'
  | 'ErrDuplicate'
  | 'ErrUnknownChain'
  | 'ErrUnknownSender'
  | 'ErrStaleKey'
  | 'ErrTooManySkipped'
  | 'ErrWrongConversation'
  | 'ErrDecrypt'
  | 'ErrNotRecipient'
  | 'ErrBadPassphrase';

/** ProtocolError is every error the protocol reports; `code` names the sentinel it matches. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  /** Creates an error of the given code with a lowercase detail message. */
  constructor(
    readonly code: ErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`protocol: ${detail}`, options);
  }
}

/** Reports whether err is a ProtocolError with the given code. */
export function isProtocolError(err: unknown, code: ErrorCode): boolean {
  return err instanceof ProtocolError && err.code === code;
}

/** Throws a ProtocolError; for use in expressions. */
export function fail(code: ErrorCode, detail: string, cause?: unknown): never {
  throw new ProtocolError(code, detail, cause === undefined ? undefined : { cause });
}
