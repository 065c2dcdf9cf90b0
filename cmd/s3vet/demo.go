package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/presign"
	"github.com/s3vet/s3vet/simulate"
)

// demoWorld is the demo's two accounts: acme (111122223333), whose buckets
// range from well configured (acme-records) to carelessly public
// (acme-website, acme-dropbox), and a partner (444455556666).
//
//go:embed demo_world.json
var demoWorld []byte

// The principals of the demo world.
const (
	demoAcme    = "111122223333"
	demoAlice   = "arn:aws:iam::111122223333:user/dev/alice"
	demoBob     = "arn:aws:iam::111122223333:user/analytics/bob"
	demoAuditor = "arn:aws:sts::111122223333:assumed-role/auditor/demo-scan"
	demoCarol   = "arn:aws:iam::444455556666:user/carol"
	demoETL     = "arn:aws:sts::444455556666:assumed-role/etl/nightly"
)

const demoUsage = `usage: s3vet demo [--json] [--color=false]

Shows what s3vet does, in a few seconds and without an AWS account: it
starts the S3 simulator in-process on a world of two accounts, whose
buckets range from well configured to carelessly public, and shows, all
through aws-sdk-go-v2 or plain HTTP:

  - a posture scan of one account, as s3vet scan does;
  - "can this principal do this?", with the policy and statement that
    decided and the SDK's own error;
  - "who can delete acme-records?", every principal of both accounts
    asked at once, as s3vet who-can does;
  - a bucket policy change proved to grant new and public access before
    it ships, as s3vet check does, and the request that proves it
    replayed against the simulator;
  - client-side encryption and SSE-KMS, and a reader without kms:Decrypt
    refused;
  - a presigned URL that works, then fails once expired.

Exits 0 when the demo ran and its output was written, and 2 on a usage
error or when the demo fails. It never exits 1.

flags:
  --json          print the results as JSON
  --color=false   do not color the text output (by default it is colored on
                  a terminal, unless NO_COLOR is set or TERM is dumb)
`

// demoCmd starts the simulator on the demo world and shows, in order, a
// posture scan, authorization questions, encryption and presigning.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	color := fs.Bool("color", colorByDefault(stdout), "")
	if status, ok := parseFlags(fs, args, demoUsage, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "demo", "unexpected argument %q", fs.Arg(0))
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	rep, err := runDemo(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet demo: %v\n", err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = printDemo(stdout, rep, *color)
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet demo: writing the results: %v\n", err)
		return 2
	}
	return 0
}

// demoReport is what the demo shows, in the order it shows it.
type demoReport struct {
	Scan       demoScan       `json:"scan"`
	Questions  []demoQuestion `json:"questions"`
	WhoCan     demoWhoCan     `json:"whoCan"`
	Gate       demoPolicyGate `json:"policyGate"`
	Encryption demoEncryption `json:"encryption"`
	Presign    demoPresign    `json:"presign"`
}

// demoWhoCan is "who can delete acme-records?" and the answer.
type demoWhoCan struct {
	Bucket  string   `json:"bucket"`
	Actions []string `json:"actions"`
	// Accesses are every principal's that is allowed; an action with
	// none is allowed to no one.
	Accesses []simulate.Access `json:"accesses"`
}

type demoScan struct {
	Account   string                  `json:"account"`
	Principal string                  `json:"principal"`
	Buckets   int                     `json:"buckets"`
	Counts    map[checks.Severity]int `json:"counts"`
	Findings  []checks.Finding        `json:"findings"` // most severe first
}

// demoQuestion is "can this principal do this?" and the answer.
type demoQuestion struct {
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	Over      string `json:"over"` // HTTPS or HTTP
	Allowed   bool   `json:"allowed"`
	Decision  string `json:"decision"` // Allowed, ExplicitDeny or ImplicitDeny
	// DecidedBy is the policy type that decided; Policy and Statement the
	// deciding statement, when one did.
	DecidedBy   string `json:"decidedBy"`
	Policy      string `json:"policy,omitempty"`
	Statement   string `json:"statement,omitempty"`
	Explanation string `json:"explanation"`
	// SDK is what the same request gets from the simulator through the SDK.
	SDK *demoCall `json:"sdk,omitempty"`
}

// demoCall is the outcome of a call through the SDK or HTTP.
type demoCall struct {
	Call    string `json:"call"`
	OK      bool   `json:"ok"`
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Body    string `json:"body,omitempty"`
}

type demoEncryption struct {
	ClientSide demoClientSide `json:"clientSide"`
	SSEKMS     demoSSEKMS     `json:"sseKMS"`
}

type demoClientSide struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	Plaintext string `json:"plaintext"`
	// Stored is what S3 holds: its size, the envelope's content
	// algorithm, and whether the plaintext appears in it.
	StoredBytes     int    `json:"storedBytes"`
	ContentAlg      string `json:"contentAlgorithm"`
	PlaintextStored bool   `json:"plaintextStored"`
	Decrypted       string `json:"decrypted"`
}

type demoSSEKMS struct {
	Bucket    string     `json:"bucket"`
	Key       string     `json:"key"`
	Algorithm string     `json:"algorithm"`
	KMSKey    string     `json:"kmsKey"`
	Reads     []demoRead `json:"reads"`
}

type demoRead struct {
	Principal string   `json:"principal"`
	Result    demoCall `json:"result"`
}

type demoPresign struct {
	Principal string    `json:"principal"`
	URL       string    `json:"url"` // redacted: the signature is a secret
	Expires   time.Time `json:"expires"`
	Before    demoCall  `json:"before"`
	// After is the same URL once the simulator's clock is past Expires.
	Advance string   `json:"clockAdvancedBy"`
	After   demoCall `json:"after"`
}

// runDemo builds the world, serves it and gathers the report.
func runDemo(ctx context.Context) (*demoReport, error) {
	w, err := simulate.LoadWorld(bytes.NewReader(demoWorld))
	if err != nil {
		return nil, err
	}
	// The simulator's clock runs ahead by skew, so that the presigned URL
	// can expire without waiting.
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	srv, err := simulate.NewTLSServer(w, simulate.WithClock(clock))
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	rep := &demoReport{}
	if rep.Scan, err = demoScanAcme(ctx, srv); err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	if rep.Questions, err = demoAsk(ctx, srv); err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	if rep.WhoCan, err = demoWhoCanDelete(srv); err != nil {
		return nil, fmt.Errorf("who can: %w", err)
	}
	if rep.Gate, err = demoGate(ctx); err != nil {
		return nil, fmt.Errorf("policy gate: %w", err)
	}
	if rep.Encryption, err = demoEncrypt(ctx, srv); err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	if rep.Presign, err = demoPresigned(ctx, srv, clock, &skew); err != nil {
		return nil, fmt.Errorf("presign: %w", err)
	}
	return rep, nil
}

// demoScanAcme collects acme's buckets through the SDK as its read-only
// auditor role, and runs the checks.
func demoScanAcme(ctx context.Context, srv *simulate.Server) (demoScan, error) {
	clients := checks.NewClients(srv.Client(demoAuditor), s3control.NewFromConfig(srv.Config(demoAuditor)), nil)
	snap, err := checks.Collect(ctx, clients, checks.CollectOptions{AccountID: demoAcme, Region: "us-east-1"})
	if err != nil {
		return demoScan{}, err
	}
	fs := checks.Run(snap, checks.Options{})
	slices.SortStableFunc(fs, func(a, b checks.Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
	r := checks.NewReport(snap, fs)
	return demoScan{Account: demoAcme, Principal: demoAuditor, Buckets: r.Buckets, Counts: r.Counts, Findings: fs}, nil
}

// demoWhoCanDelete asks who may delete acme-records or its objects.
func demoWhoCanDelete(srv *simulate.Server) (demoWhoCan, error) {
	r := demoWhoCan{Bucket: "acme-records", Actions: []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"}}
	var err error
	r.Accesses, err = srv.WhoCan(simulate.WhoCanQuery{Bucket: r.Bucket, Actions: r.Actions})
	return r, err
}

// demoAsk answers a few questions with the simulator's authorizer, and
// sends the denied ones through the SDK too.
func demoAsk(ctx context.Context, srv *simulate.Server) ([]demoQuestion, error) {
	type ask struct {
		principal string
		req       s3op.Request
		sdk       func(c *s3.Client) error
	}
	get := func(bucket, key string) s3op.Request {
		return s3op.Request{Operation: "GetObject", Bucket: bucket, Key: key}
	}
	asks := []ask{
		{principal: demoAlice, req: get("acme-records", "2026/q1.csv")},
		{principal: demoBob, req: s3op.Request{Operation: "PutObject", Bucket: "acme-records", Key: "2026/q2.csv"},
			sdk: func(c *s3.Client) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-records"), Key: aws.String("2026/q2.csv"), Body: strings.NewReader("Q2,0")})
				return err
			}},
		{principal: demoAlice, req: s3op.Request{Operation: "DeleteBucket", Bucket: "acme-records"},
			sdk: func(c *s3.Client) error {
				_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("acme-records")})
				return err
			}},
		{principal: demoAlice, req: get("acme-records", "2026/q1.csv")}, // over HTTP: see below
		{principal: demoETL, req: get("acme-shared", "exports/orders.csv")},
		{principal: demoCarol, req: get("acme-records", "2026/q1.csv"),
			sdk: func(c *s3.Client) error {
				_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("acme-records"), Key: aws.String("2026/q1.csv")})
				return err
			}},
		{principal: "anonymous", req: get("acme-website", "index.html")},
	}
	var out []demoQuestion
	for i, a := range asks {
		a.req.Conn = s3op.Conn{TLSVersion: "1.3", Time: time.Now()}
		over := "HTTPS"
		if i == 3 {
			a.req.Conn.TLSVersion = ""
			over = "HTTP"
		}
		d, err := srv.Authorize(a.principal, &a.req)
		if err != nil {
			return nil, err
		}
		q := demoQuestion{
			Principal: a.principal, Action: d.Need.Action, Resource: d.Need.Resource, Over: over,
			Allowed: d.Allowed, Decision: d.Decision.Decision.String(), DecidedBy: d.Type.String(), Explanation: d.Explained,
		}
		if d.Policy != nil {
			q.Policy = d.Policy.Name
			st := d.Policy.Statements[d.Statement]
			q.Statement = fmt.Sprintf("statement %d", st.Index)
			if st.Sid != "" {
				q.Statement += fmt.Sprintf(" (Sid %q)", st.Sid)
			}
		}
		if a.sdk != nil {
			c := demoSDKError(a.req.Operation, a.sdk(srv.Client(a.principal)))
			q.SDK = &c
		}
		out = append(out, q)
	}
	return out, nil
}

// demoSDKError describes the outcome of an SDK call.
func demoSDKError(call string, err error) demoCall {
	c := demoCall{Call: call, OK: err == nil}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		c.Code, c.Message = ae.ErrorCode(), ae.ErrorMessage()
	} else if err != nil {
		c.Message = err.Error()
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		c.Status = re.HTTPStatusCode()
	}
	return c
}

// demoEncrypt writes an object encrypted client-side and one with SSE-KMS,
// and reads them back.
func demoEncrypt(ctx context.Context, srv *simulate.Server) (demoEncryption, error) {
	alice, bob := srv.Client(demoAlice), srv.Client(demoBob)
	var e demoEncryption

	// Client-side: S3 only ever sees ciphertext. The key encryption key
	// would live in a secret store or KMS.
	kek := bytes.Repeat([]byte{0x42}, 32)
	keyring, err := encrypt.NewAESKeyring(kek, map[string]string{"purpose": "demo"})
	if err != nil {
		return e, err
	}
	cs := &e.ClientSide
	cs.Bucket, cs.Key, cs.Plaintext = "acme-records", "2026/payroll.csv", "employee,salary\nalice,1\n"
	in := &s3.PutObjectInput{Bucket: &cs.Bucket, Key: &cs.Key, Body: strings.NewReader(cs.Plaintext), ContentLength: aws.Int64(int64(len(cs.Plaintext)))}
	if _, err := encrypt.NewEncrypter(keyring).PutObject(ctx, alice, in, nil); err != nil {
		return e, err
	}
	raw, err := alice.GetObject(ctx, &s3.GetObjectInput{Bucket: &cs.Bucket, Key: &cs.Key})
	if err != nil {
		return e, err
	}
	stored, err := io.ReadAll(raw.Body)
	raw.Body.Close()
	if err != nil {
		return e, err
	}
	cs.StoredBytes, cs.ContentAlg = len(stored), raw.Metadata["x-amz-c"]
	cs.PlaintextStored = bytes.Contains(stored, []byte("salary"))
	dec, err := encrypt.NewDecrypter(keyring).GetObject(ctx, alice, &s3.GetObjectInput{Bucket: &cs.Bucket, Key: &cs.Key}, nil)
	if err != nil {
		return e, err
	}
	plain, err := io.ReadAll(dec.Body)
	dec.Body.Close()
	if err != nil {
		return e, err
	}
	cs.Decrypted = string(plain)

	// SSE-KMS: S3 encrypts with a data key from KMS, and decrypting needs
	// kms:Decrypt on the key, which bob lacks.
	k := &e.SSEKMS
	k.Bucket, k.Key = "acme-records", "2026/q2.csv"
	put := &s3.PutObjectInput{Bucket: &k.Bucket, Key: &k.Key, Body: strings.NewReader("quarter,revenue\nQ2,4700000\n")}
	encrypt.Apply(put, encrypt.SSEKMS("alias/records", nil))
	out, err := alice.PutObject(ctx, put)
	if err != nil {
		return e, err
	}
	k.Algorithm, k.KMSKey = string(out.ServerSideEncryption), aws.ToString(out.SSEKMSKeyId)
	for _, who := range []struct {
		arn string
		c   *s3.Client
	}{{demoAlice, alice}, {demoBob, bob}} {
		res, err := who.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &k.Bucket, Key: &k.Key})
		c := demoSDKError("GetObject", err)
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			c.Status, c.Body = http.StatusOK, string(b)
		}
		k.Reads = append(k.Reads, demoRead{Principal: who.arn, Result: c})
	}
	return e, nil
}

// demoPresigned presigns a GET for a minute, uses it with a plain HTTP
// client, then moves the simulator's clock two minutes on and uses it again.
func demoPresigned(ctx context.Context, srv *simulate.Server, clock func() time.Time, skew *atomic.Int64) (demoPresign, error) {
	p := presign.New(srv.Client(demoAlice))
	p.Now = clock
	u, err := p.GetObject(ctx, "acme-records", "2026/q1.csv", presign.GetOptions{Expires: time.Minute})
	if err != nil {
		return demoPresign{}, err
	}
	r := demoPresign{Principal: demoAlice, URL: u.String(), Expires: u.Expires.UTC()}
	if r.Before, err = demoFetch(ctx, srv.HTTPClient(), u.URL); err != nil {
		return r, err
	}
	advance := 2 * time.Minute
	skew.Add(int64(advance))
	r.Advance = strings.TrimSuffix(advance.String(), "0s")
	r.After, err = demoFetch(ctx, srv.HTTPClient(), u.URL)
	return r, err
}

// demoFetch GETs a URL and reads S3's answer, or its error document.
func demoFetch(ctx context.Context, c *http.Client, url string) (demoCall, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return demoCall{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return demoCall{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return demoCall{}, err
	}
	res := demoCall{Call: "GET", Status: resp.StatusCode, OK: resp.StatusCode == http.StatusOK}
	if res.OK {
		res.Body = string(body)
		return res, nil
	}
	var doc struct{ Code, Message string }
	if err := xml.Unmarshal(body, &doc); err != nil {
		return demoCall{}, fmt.Errorf("error document: %w", err)
	}
	res.Code, res.Message = doc.Code, doc.Message
	return res, nil
}
