package verify

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// Realistic pairs for the benchmark: a 20-statement bucket policy and its
// edited version, and a set of 10 identity policies and its edited
// version.

func bucketPolicy20(edited bool) string { return bucketPolicy(edited, 10, 10) }

// bucketPolicy returns a bucket policy of the first fixed statements
// (at most 10) and apps statements for applications.
func bucketPolicy(edited bool, fixed, apps int) string {
	var sts []string
	sts = append(sts,
		`{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::media","arn:aws:s3:::media/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"KMSOnly","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::media/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`,
		`{"Sid":"OwnKey","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::media/*","Condition":{"StringNotLikeIfExists":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:111122223333:key/*"}}}`,
		`{"Sid":"List","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::media"}`,
		`{"Sid":"CloudFront","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/public/*","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}`,
		`{"Sid":"OrgRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::media/shared/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`,
		`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/partner/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}}}`,
		`{"Sid":"ProtectDeletes","Effect":"Deny","Principal":"*","Action":["s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::media/*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin-*"}}}`,
		`{"Sid":"LegalHold","Effect":"Deny","Principal":"*","Action":"s3:PutObjectLegalHold","Resource":"arn:aws:s3:::media/*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/legal"}}}`,
		`{"Sid":"Expiry","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/auditor"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::media","arn:aws:s3:::media/audit/*"],"Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}`,
	)
	sts = sts[:fixed]
	for i := 0; i < apps; i++ {
		prefix := fmt.Sprintf("app-%d/*", i)
		if edited && i == 3 {
			prefix = "app-3*" // the edit: a prefix loses its slash
		}
		cond := ""
		if i%3 == 0 {
			cond = `,"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`
		}
		sts = append(sts, fmt.Sprintf(`{"Sid":"App%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app-%d"},"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::media/%s"%s}`, i, i, prefix, cond))
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func identitySet10(edited bool) []string {
	var docs []string
	for i := 0; i < 10; i++ {
		var sts []string
		bucket := fmt.Sprintf("team-%d", i%4)
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}`, bucket, bucket))
		switch i {
		case 0:
			sts = append(sts, `{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
		case 1:
			sts = append(sts, `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::team-1/uploads/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}`)
		case 2:
			sts = append(sts, `{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*","Condition":{"StringLike":{"kms:ViaService":"s3.*.amazonaws.com"}}}`)
		case 3:
			sts = append(sts, `{"Effect":"Deny","Action":["s3:DeleteBucket","s3:PutBucketPolicy"],"Resource":"*"}`)
		case 4:
			action := `"s3:GetObjectTagging"`
			if edited {
				action = `"s3:*Tagging"` // the edit: a wildcard
			}
			sts = append(sts, `{"Effect":"Allow","Action":`+action+`,"Resource":"arn:aws:s3:::team-0/*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["project","owner"]}}}`)
		case 5:
			sts = append(sts, `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`)
		case 6:
			sts = append(sts, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)
		case 7:
			sts = append(sts, `{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::archive/*"}`)
		case 8:
			sts = append(sts, `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::team-2","Condition":{"StringLike":{"s3:prefix":["home/","home/reports/*"]}}}`)
		case 9:
			sts = append(sts, `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::team-3/*","Condition":{"NumericLessThanEquals":{"s3:object-lock-remaining-retention-days":"30"}}}`)
		}
		docs = append(docs, `{"Version":"2012-10-17","Statement":[`+strings.Join(sts, ",")+`]}`)
	}
	return docs
}

func mustParse(tb testing.TB, typ policy.Type, name, doc string) *policy.Policy {
	tb.Helper()
	p, err := policy.Parse(name, typ, []byte(doc))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

type benchPair struct {
	name     string
	kind     Kind
	old, new []*policy.Policy
	want     Verdict
}

func benchPairs(tb testing.TB) []benchPair {
	var oldID, newID []*policy.Policy
	for i, d := range identitySet10(false) {
		oldID = append(oldID, mustParse(tb, policy.IdentityBased, fmt.Sprintf("old-%d", i), d))
	}
	for i, d := range identitySet10(true) {
		newID = append(newID, mustParse(tb, policy.IdentityBased, fmt.Sprintf("new-%d", i), d))
	}
	oldB := mustParse(tb, policy.ResourceBased, "old", bucketPolicy20(false))
	newB := mustParse(tb, policy.ResourceBased, "new", bucketPolicy20(true))
	oldS := mustParse(tb, policy.ResourceBased, "old", bucketPolicy(false, 2, 4))
	newS := mustParse(tb, policy.ResourceBased, "new", bucketPolicy(true, 2, 4))
	return []benchPair{
		{"bucket-policy-6/edited", Resource, []*policy.Policy{oldS}, []*policy.Policy{newS}, Fail},
		{"bucket-policy-6/same", Resource, []*policy.Policy{oldS}, []*policy.Policy{oldS}, Pass},
		{"bucket-policy-20/edited", Resource, []*policy.Policy{oldB}, []*policy.Policy{newB}, Fail},
		{"bucket-policy-20/same", Resource, []*policy.Policy{oldB}, []*policy.Policy{oldB}, Pass},
		{"identity-set-10/edited", Identity, oldID, newID, Fail},
		{"identity-set-10/same", Identity, oldID, oldID, Pass},
	}
}

// TestBenchPairs: the benchmark's pairs have the verdicts they are meant
// to, and on the small ones brute force over every class representative
// agrees.
func TestBenchPairs(t *testing.T) {
	ctx := context.Background()
	for _, bp := range benchPairs(t) {
		t.Run(bp.name, func(t *testing.T) {
			res, err := NoNewAccess(ctx, bp.old, bp.new, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != bp.want {
				t.Fatalf("got %s (%s), want %s", res.Verdict, res.Reason, bp.want)
			}
			t.Logf("%s %v classes %v", res.Verdict, res.Witness, res.Classes)
			if requests(res.Classes) > 5e6 {
				return
			}
			c := newCheck(bp.kind, nil)
			if err := c.build(ctx, append(c.statements(bp.old), c.statements(bp.new)...), nil); err != nil {
				t.Fatal(err)
			}
			newSet, _ := c.set(bp.new)
			oldSet, _ := c.set(bp.old)
			if w, _ := bruteForce(t, c, newSet, oldSet, nil, true); (w != nil) != (bp.want == Fail) {
				t.Errorf("brute force disagrees: %v", w)
			}
		})
	}
}

// requests is the number of requests brute force over the class
// representatives evaluates for a PASS: the product of the classes.
func requests(classes map[string]int) float64 {
	n := 1.0
	for _, c := range classes {
		n *= float64(c)
	}
	return n
}

// BenchmarkNoNewAccess measures a check on realistic pairs. It reports
// the requests that brute force over the class representatives would
// evaluate for the same answer (requests/op): for the 20-statement bucket
// policy, about 3×10^8, which is no reference one can run. The reference
// is therefore measured on the 6-statement policy, where it finishes:
// method=bruteforce evaluates, with Set.Evaluate, every request built
// from the class representatives (and stops at the first witness of a
// FAIL). Compare with benchstat:
//
//	go test -run='^$' -bench=NoNewAccess -count=10 ./policy/verify | tee bench.txt
//	benchstat -col /method bench.txt
func BenchmarkNoNewAccess(b *testing.B) {
	ctx := context.Background()
	for _, bp := range benchPairs(b) {
		b.Run(bp.name+"/method=procedure", func(b *testing.B) {
			var res Result
			for b.Loop() {
				var err error
				res, err = NoNewAccess(ctx, bp.old, bp.new, nil)
				if err != nil || res.Verdict != bp.want {
					b.Fatalf("%s %v", res.Verdict, err)
				}
			}
			b.ReportMetric(requests(res.Classes), "requests/op")
		})
		if !strings.HasPrefix(bp.name, "bucket-policy-6/") {
			continue
		}
		b.Run(bp.name+"/method=bruteforce", func(b *testing.B) {
			n := 0
			for b.Loop() {
				c := newCheck(bp.kind, nil)
				stmts := append(c.statements(bp.old), c.statements(bp.new)...)
				if err := c.build(ctx, stmts, nil); err != nil {
					b.Fatal(err)
				}
				newSet, _ := c.set(bp.new)
				oldSet, _ := c.set(bp.old)
				var w *Witness
				w, n = bruteForce(b, c, newSet, oldSet, nil, false)
				if (w != nil) != (bp.want == Fail) {
					b.Fatalf("brute force: %v", w)
				}
			}
			b.ReportMetric(float64(n), "requests/op")
		})
	}
}
