// Package simulate is an in-process Amazon S3 that authenticates and
// authorizes like AWS, so that "can X do Y" is answered in unit tests.
//
// # The world
//
// A [World] declares accounts, IAM users, groups and roles with their
// policies and access keys, an organization with SCPs and RCPs, and
// buckets with their policy, ACLs, Block Public Access, Object Ownership
// and encryption settings (the format `s3vet serve --config` reads,
// docs/serve-config.md). Omitted settings take S3's defaults for a new
// bucket: Block Public Access all on, ACLs disabled, SSE-S3, SSE-C blocked.
// A world is loaded from JSON or YAML with [LoadWorld] or built in Go with
// [World.AddAccount], [Account.AddUser], [Account.AddBucket] and the like.
//
// # The server
//
// [NewServer] (or [NewTestServer] in a test) serves the world over HTTP or
// HTTPS on a loopback port, like net/http/httptest. [Server.Client] and
// [Server.Config] give an aws-sdk-go-v2 client for any principal of the
// world, anonymous included. Requests may be path-style or
// virtual-hosted, by S3's rule for the Host header (S3 User Guide,
// "Virtual hosting of general purpose buckets", "HTTP Host header bucket
// specification") with the simulator's endpoints in place of S3's alone:
// localhost and the names under it (s3.localhost), IP addresses, S3's
// endpoints (s3.amazonaws.com, s3.REGION.amazonaws.com, ...) and the
// domains of [WithDomains] (serve --domain). A Host that is an endpoint,
// or a name of one label ("s3vet", a container's), is path-style, and
// BUCKET. followed by an endpoint names BUCKET (BUCKET.localhost,
// BUCKET.s3.localhost, BUCKET.<IP address>, BUCKET.s3.amazonaws.com,
// BUCKET.<domain>; the longest endpoint, as a bucket's name may hold
// dots). Any other Host is read as S3 reads a Host that is none of its endpoints: the
// whole Host, lowercased, names the bucket, and the path is the key. It is
// never read as path style, which would change what the request means
// (PUT /vh.txt at reports.example.internal is not CreateBucket of vh.txt):
// at a name the simulator does not know, a request names a bucket of that
// name, most often one that does not exist (404 NoSuchBucket, with the
// Host explained in the request's record). To reach the simulator at a
// name of your own, give it with WithDomains. Every request goes through
// the steps S3 takes:
//
//   - authenticate: [SigV4] in the Authorization header, in the query
//     (presigned URLs) or in aws-chunked bodies, which are decoded here so
//     that only the payload goes further; an unsigned request is anonymous;
//   - classify: the S3 operation, from the method, the path and the query
//     (package s3op);
//   - authorize: every permission the operation needs, with the condition
//     keys of the request (source IP, TLS, headers, signature age, existing
//     object tags), decided by AWS's [policy evaluation logic] and
//     [how S3 authorizes a request] (package access); a denial is S3's
//     AccessDenied, explained to callers of the bucket owner's account as
//     S3 explains it ([AccessDenied errors]), with S3's [error responses];
//   - serve: the operation's handler, chosen by the classification alone,
//     acts on the simulator's own state: the security configuration
//     (policies, ACLs, Block Public Access, ownership, encryption,
//     versioning, logging, lifecycle, tags, ...) and every version of
//     every object, with what S3 keeps of each version beside its bytes
//     (owner, ACL, tags, encryption, checksum, metadata, Object Lock
//     retention and legal hold).
//
// Every request is recorded ([Simulator.Requests]) with its principal,
// operation, decision and explanation.
//
// # Access points and VPC endpoints
//
// The world's [AccessPoint]s are served as S3 serves them: by ARN (the
// SDK turns an access point ARN given as the bucket into the host
// NAME-ACCOUNT.<endpoint>), by alias in place of a bucket name, and at
// NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com; over HTTPS only, for
// the operations on objects that S3 serves through access points. A
// request through one is authorized as S3 authorizes it (package access):
// the access point's policy, Block Public Access and network origin, and
// then the bucket's, with s3:DataAccessPointArn,
// s3:DataAccessPointAccount and s3:AccessPointNetworkOrigin. The S3
// Control API (the SDK's s3control client) creates, reads, lists and
// deletes access points and their policies.
//
// Each [VPCEndpoint] of the world is a listener of its own:
// [Server.VPCEndpoint] is the server as reached from inside the endpoint's
// VPC, so that the same test runs from inside and from outside. The
// endpoint's policy must allow every request through it, which carries the
// endpoint's condition keys in place of aws:SourceIp.
//
// # What the simulator promises about a request
//
// No principal reads, writes or deletes what its policies deny, whatever
// the shape of the request. Three rules make it so by construction:
//
//   - One router. The operation is decided once, by package s3op, and
//     the handler that runs is the one of that operation: the operation
//     authorized is the operation executed. There is no second router
//     (gofakes3's, once) that could read the request otherwise.
//   - One reading. The query and headers are parsed once, and both the
//     authorizer and the handler read that parse. A request that repeats
//     a query parameter, or a header S3 reads as one value (every
//     x-amz-* header but user metadata, and the standard headers S3
//     reads), is refused with InvalidArgument: S3's documentation is
//     silent on repeats, and refusing them is the stricter reading.
//     x-amz-copy-source is read by one parser, s3op.ParseCopySource.
//   - One version. Each permission is decided on the object version the
//     request names (its versionId, a DeleteObjects key's VersionId, the
//     copy source's versionId; the current version without one), with
//     that version's owner, ACL and tags; the handler then acts on that
//     very version, with its encryption (SSE-C key, KMS key) and Object
//     Lock state, even if a newer version was written meanwhile.
//
// TestRoutingAuthorizedIsExecuted checks the first rule from outside
// over thousands of request shapes, and FuzzServe, for principals allowed
// a single action, that no answer ever holds a protected object's bytes.
//
// # STS and KMS
//
// The SDK's sts client, pointed at the server, calls [AssumeRole] (the
// role's trust policy and the caller's policies decide, with ExternalId,
// session tags, session policies and durations as STS takes them) and
// GetCallerIdentity; the temporary credentials it returns sign as the role
// session until they expire. [Server.Config] also gives a role session
// directly, for tests that are not about assuming it.
//
// [SSE-KMS] objects use the world's KMS keys (and each account's aws/s3
// key): writing one needs kms:GenerateDataKey and reading it kms:Decrypt,
// which the [key policies] must allow, so that a principal with s3:GetObject
// but not kms:Decrypt is refused as in AWS. A key of the world without a
// policy has KMS's default key policy, whose one statement ("Enable IAM
// User Permissions") allows kms:* to the account's root, so that the
// account's IAM policies decide; the aws/s3 key allows any principal of
// its account through S3 (kms:ViaService, kms:CallerAccount). A request
// or a bucket's default encryption names a key as S3 takes it: a key ID
// (1234abcd-...), a key ARN, an alias name (alias/app) or an alias ARN, in
// the bucket owner's account for the short forms; none is aws/s3. [SSE-C] is refused over HTTP and
// where the bucket blocks it (the default for new buckets since April
// 2026), and a read needs the key the object was written with.
//
// The server also speaks the KMS API (GenerateDataKey, Encrypt, Decrypt)
// to the SDK's kms client pointed at it, for client-side envelope
// encryption: kms.NewFromConfig(srv.Config(principal)) satisfies
// encrypt.KMSClient and the S3 Encryption Client's KMS interface. Calls
// are authorized by the key policy and the caller's policies, with the
// encryption context as kms:EncryptionContext:KEY, and data keys are bound
// to their key and context as in KMS.
//
// The kms client's DescribeKey (by key ID, key ARN, alias name or alias
// ARN) and GetKeyPolicy (the policy as the world wrote it, or KMS's
// default) are served too, authorized by the key policy.
//
// # IAM and Organizations
//
// The SDK's iam client reads the caller's own account as IAM holds it:
// GetAccountAuthorizationDetails (users, groups and roles with their
// inline and attached policies, boundaries and tags, trust policies,
// managed policies with their documents, URL-encoded as IAM returns them;
// Filter, MaxItems and Marker) and ListRoles (for MaxSessionDuration). The
// organizations client reads the world's organization:
// DescribeOrganization from any of its accounts, and ListParents,
// ListPoliciesForTarget and DescribePolicy from its management account
// only. Both are authorized by the caller's policies and SCPs, with each
// service's errors.
//
// # Authorization without HTTP
//
// [Simulator.Authorize] answers an S3 request for a principal without
// HTTP, with the same model.
//
// # Speed
//
// BenchmarkSimulator sends each small PUT or GET through the SDK to the
// simulator and, in turn, to bare gofakes3 with its in-memory backend
// (same SDK configuration, same transport settings), and reports the ratio
// of their times per request (simulator/gofakes3); the target is at most
// 1.25.
// On 2026-11-23, on a shared 2-core AMD EPYC VM (load average about 3),
// eight runs gave medians of 1.20 for PUT and 1.20 for GET, against 1.31
// and 1.24 before the work on speed; single runs range from 1.14 to 1.25,
// and the ratio grows with the load:
//
//	go test -run='^$' -bench=BenchmarkSimulator -count=8 ./simulate
//
// BenchmarkServeHTTP measures the handler alone, without the network.
//
// # Limits
//
// Lifecycle, replication, notification, website and logging
// configurations are validated and stored but not acted on (no object
// expires, nothing is replicated, no access log is written); CORS is
// (preflight requests, and the CORS headers of answers). Of the KMS
// API only the three data-key calls, DescribeKey and GetKeyPolicy are
// served; of IAM and Organizations only the reads above, with no
// delegated administrators, and a permissions boundary given as a
// document rather than a managed policy's ARN is enforced but not listed. The simulator serves one
// Region, and refuses SigV2 and SigV4A. Objects are kept in memory, up to
// S3's 5 GiB for one PUT. The ETag of an SSE-KMS or SSE-C object is the
// MD5 of its bytes, as for SSE-S3, where S3's is not an MD5. Multi-Region
// Access Points are not served (package access decides requests through
// them), a copy's source is read from its bucket (x-amz-copy-source names a
// bucket, not an access point), and with a custom endpoint a bucket may
// not be named as an access point's host label, NAME-ACCOUNT, which the
// SDK sends requests through the access point to.
//
// [SigV4]: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
// [policy evaluation logic]: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// [how S3 authorizes a request]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
// [AccessDenied errors]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
// [error responses]: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
// [AssumeRole]: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
// [SSE-KMS]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
// [key policies]: https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
// [SSE-C]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
package simulate

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/presign"
)

// A Simulator is a simulated S3 built from a World: an http.Handler, and
// an authorizer for direct calls. It is safe for concurrent use.
type Simulator struct {
	mu       sync.RWMutex
	m        *model
	uploads  map[string]*pendingUpload // multipart uploads in progress, by upload ID
	sessions map[string]*session       // role sessions, by access key ID

	now      func() time.Time
	clockSet bool     // WithClock was given
	domains  []string // of virtual-hosted style, WithDomains
	onReq    func(Record)
	maxRecs  int
	auth     authenticator
	stsAuth  authenticator

	recMu   sync.Mutex
	records [][]Record // blocks of recordBlock records, oldest first
	nrecs   int        // the records in them
	spare   []Record   // a block dropped, to fill again
}

// An Option configures a Simulator.
type Option func(*Simulator)

// WithClock makes the simulator read the time from now: for expiry of
// presigned URLs and temporary credentials, clock skew, aws:CurrentTime
// and Last-Modified.
//
// The SDK configurations a [Server] gives ([Server.Config],
// [Server.Client]) sign requests with this clock too, so that they are
// not refused as skewed. (Presigned URLs are the SDK's own: sign them with
// package presign, which takes the time, to follow this clock.)
func WithClock(now func() time.Time) Option {
	return func(s *Simulator) { s.now, s.clockSet = now, true }
}

// WithDomains adds domains of virtual-hosted style: a request whose Host
// is BUCKET.DOMAIN names BUCKET, and one whose Host is DOMAIN is
// path-style, as for S3's own endpoints and the names under localhost.
// Without it, a Host under DOMAIN names the bucket of that whole name, as
// S3 reads a Host that is none of its endpoints (the rule is in the
// package doc).
func WithDomains(domains ...string) Option {
	return func(s *Simulator) {
		for _, d := range domains {
			if d = strings.ToLower(strings.Trim(d, ".")); d != "" {
				s.domains = append(s.domains, d)
			}
		}
		// The longest first: a bucket's name may end like a domain.
		slices.SortFunc(s.domains, func(a, b string) int { return len(b) - len(a) })
	}
}

// WithRequestLog calls f with the record of every request, once it is
// answered. f is called from the request's goroutine.
func WithRequestLog(f func(Record)) Option {
	return func(s *Simulator) { s.onReq = f }
}

// WithRecordLimit keeps only the last n records (default 100000); 0 keeps
// none.
func WithRecordLimit(n int) Option {
	return func(s *Simulator) { s.maxRecs = n }
}

// New builds a simulator from a world, with its objects stored.
func New(w *World, opts ...Option) (*Simulator, error) {
	if w == nil {
		w = &World{}
	}
	s := &Simulator{uploads: map[string]*pendingUpload{}, sessions: map[string]*session{}, now: time.Now, maxRecs: 100000}
	for _, o := range opts {
		o(s)
	}
	m, err := compile(w, s.now)
	if err != nil {
		return nil, err
	}
	s.m = m
	s.auth = sigV4{&presign.Verifier{Credentials: credentialStore{s}, Region: m.region, Now: s.now}}
	s.stsAuth = sigV4{&presign.Verifier{Credentials: credentialStore{s}, Region: m.region, Service: "sts", Now: s.now}}
	return s, nil
}

// Authorize decides req for principal (an IAM user, role session or root
// ARN of the world, a service principal, or "anonymous") as S3 would,
// without HTTP. An error means the request could not be decided: an
// unknown principal or bucket, or a request S3 would refuse as malformed.
func (s *Simulator) Authorize(principal string, req *s3op.Request) (Decision, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.m.resolve(principal)
	if err != nil {
		return Decision{}, fmt.Errorf("simulate: %w", err)
	}
	d, err := s.m.authorize(c, req, writes{}, nil)
	d.explain()
	return d, err
}

// credentialStore is the simulator as the verifier's CredentialStore,
// kept off the Simulator's API.
type credentialStore struct{ s *Simulator }

func (c credentialStore) Lookup(ctx context.Context, id string) (presign.Credentials, error) {
	return c.s.lookup(id)
}

// httpDate is a time formatted as an HTTP date, to the second.
type httpDate struct {
	unix int64
	text string
}

// lastDate is the last time formatHTTPTime formatted.
var lastDate atomic.Pointer[httpDate]

// formatHTTPTime formats t as an HTTP date (http.TimeFormat), as for the
// previous call when that was the same second.
func formatHTTPTime(t time.Time) string {
	sec := t.Unix()
	if d := lastDate.Load(); d != nil && d.unix == sec {
		return d.text
	}
	s := t.UTC().Format(http.TimeFormat)
	lastDate.Store(&httpDate{sec, s})
	return s
}
