package encrypt

import (
	"errors"
	"strconv"
)

// Errors a caller may need to tell apart, with errors.Is. Every failure to
// decrypt an object matches exactly one of them, and none releases plaintext
// unless the Decrypter was told to (DelayedAuthentication,
// UnauthenticatedRanges, LegacyContent).
var (
	// ErrAuthentication: the content does not match its tag. The
	// ciphertext, tag, IV, message ID or length was altered, or the object
	// was truncated.
	ErrAuthentication = errors.New("encrypt: message authentication failed")
	// ErrKeyCommitment: the data key is not the one the object's key
	// commitment (x-amz-d) commits to: the wrapped key was swapped, or the
	// commitment or message ID altered.
	ErrKeyCommitment = errors.New("encrypt: key commitment does not match the data key")
	// ErrUnwrap: no keyring could unwrap the data key: wrong keyring or
	// key, unknown wrapping algorithm, altered wrapped key, material
	// description or encryption context.
	ErrUnwrap = errors.New("encrypt: cannot unwrap the data key")
	// ErrContextMismatch: the encryption context stored with the object is
	// not the one the caller expects.
	ErrContextMismatch = errors.New("encrypt: encryption context does not match")
	// ErrFormat: the metadata or instruction file is not a valid envelope
	// of the S3 Encryption Client. Errors that match it are *FormatError.
	ErrFormat = errors.New("encrypt: malformed envelope")
	// ErrInstructionFile: the object's metadata holds no envelope; it may
	// be in the object's instruction file (key + InstructionFileSuffix).
	ErrInstructionFile = errors.New("encrypt: no envelope in the object metadata; read the instruction file")
	// ErrPolicy: the commitment policy forbids decrypting an object
	// without key commitment.
	ErrPolicy = errors.New("encrypt: the commitment policy forbids this algorithm suite")
	// ErrLegacy: the object uses a legacy algorithm (AES/CBC content, "kms"
	// wrapping without context) that the Decrypter was not allowed to read.
	ErrLegacy = errors.New("encrypt: legacy algorithm not enabled")
	// ErrTooLarge: the object is larger than MaxBuffer and the Decrypter may
	// neither spool it nor release unauthenticated plaintext.
	ErrTooLarge = errors.New("encrypt: object too large to authenticate before release")
	// ErrUnauthenticatedRange: a ranged read cannot be authenticated, and
	// the Decrypter was not allowed to return unauthenticated ranges.
	ErrUnauthenticatedRange = errors.New("encrypt: ranged reads are unauthenticated and not enabled")
	// ErrPartChanged: a multipart part or a rewound stream was sealed
	// twice with different plaintext, which would reuse the key stream.
	ErrPartChanged = errors.New("encrypt: plaintext changed between two encryptions of the same bytes")
)

// A FormatError reports a malformed envelope: the metadata key at fault
// (without "x-amz-meta-") and what is wrong.
type FormatError struct {
	Key string // "x-amz-iv"; empty for the envelope as a whole
	Err error
}

func (e *FormatError) Error() string {
	s := "encrypt: malformed envelope"
	if e.Key != "" {
		s += ": " + strconv.Quote(e.Key)
	}
	return s + ": " + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }

// Is reports whether target is ErrFormat.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

func formatErr(key, msg string) error {
	return &FormatError{Key: key, Err: errors.New(msg)}
}
