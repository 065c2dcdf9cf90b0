package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/verify"
	"github.com/s3vet/s3vet/simulate"
)

// The demo's proposed change to acme-website's bucket policy: partner
// uploads, meant for the partner's account only, written with the
// negated operator by mistake.
const (
	demoGateBefore   = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-website/*"}]}`
	demoGateAdded    = `{"Sid":"PartnerUploads","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-website/incoming/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"444455556666"}}}`
	demoGateProposed = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-website/*"},` + demoGateAdded + `]}`
)

// demoPolicyGate is "does this policy change grant new access?", proved
// offline, and its witness replayed against a simulator serving the
// change.
type demoPolicyGate struct {
	Bucket   string        `json:"bucket"`
	Added    string        `json:"addedStatement"`
	NoNew    verify.Result `json:"noNewAccess"`
	NoPublic verify.Result `json:"noPublicAccess"`
	// Replay is the witness of NoNew sent as it is (an anonymous PUT) to
	// a simulator that serves the proposed policy.
	Replay demoCall `json:"replay"`
}

func demoGate(ctx context.Context) (demoPolicyGate, error) {
	g := demoPolicyGate{Bucket: "acme-website", Added: demoGateAdded}
	before, err := policy.Parse("acme-website today", policy.ResourceBased, []byte(demoGateBefore))
	if err != nil {
		return g, err
	}
	proposed, err := policy.Parse("acme-website proposed", policy.ResourceBased, []byte(demoGateProposed))
	if err != nil {
		return g, err
	}
	if g.NoNew, err = verify.NoNewAccess(ctx, []*policy.Policy{before}, []*policy.Policy{proposed}, nil); err != nil {
		return g, err
	}
	if g.NoPublic, err = verify.NoPublicAccess(ctx, proposed, nil); err != nil {
		return g, err
	}
	w := g.NoNew.Witness
	if w == nil || w.Principal != "anonymous" {
		return g, fmt.Errorf("the witness is not an anonymous request: %v", w)
	}
	world, err := simulate.LoadWorld(strings.NewReader(`{"accounts":[{"id":"111122223333","buckets":[{"name":"acme-website","publicAccessBlock":{},"policy":` + demoGateProposed + `}]}]}`))
	if err != nil {
		return g, err
	}
	srv, err := simulate.NewTLSServer(world)
	if err != nil {
		return g, err
	}
	defer srv.Close()
	bucket, key, _ := strings.Cut(strings.TrimPrefix(w.Resource, "arn:aws:s3:::"), "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/"+bucket+"/"+key, bytes.NewReader([]byte("defaced")))
	if err != nil {
		return g, err
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		return g, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return g, err
	}
	g.Replay = demoCall{Call: "PUT", Status: resp.StatusCode, OK: resp.StatusCode == http.StatusOK}
	if !g.Replay.OK {
		var doc struct{ Code, Message string }
		if err := xml.Unmarshal(body, &doc); err != nil {
			return g, fmt.Errorf("error document: %w", err)
		}
		g.Replay.Code, g.Replay.Message = doc.Code, doc.Message
	}
	return g, nil
}

func (p *demoPrinter) gate(g *demoPolicyGate) {
	p.section(4, "Before a policy change ships: what does it grant?")
	p.printf("   A change to %s's bucket policy, meant for the partner's uploads only:\n", g.Bucket)
	p.printf("     %s\n", g.Added)
	p.printf("   Proved offline (package policy/verify, s3vet check), no call made:\n")
	for _, c := range []struct {
		name string
		res  *verify.Result
	}{{"no-new-access", &g.NoNew}, {"no-public-access", &g.NoPublic}} {
		verdict := c.res.Verdict.String()
		if c.res.Verdict == verify.Pass {
			verdict = p.paint(ansiGreen, verdict)
		} else {
			verdict = p.paint(ansiRed, verdict)
		}
		p.printf("     %-17s %s", c.name+":", verdict)
		if w := c.res.Witness; w != nil {
			p.printf(", for example %s %s %s", w.Principal, w.Action, w.Resource)
		}
		p.printf("\n")
	}
	p.printf("   The witness, replayed as it is against a simulator serving the change:\n")
	p.printf("     an unsigned HTTP PUT:  %s\n", p.call(&g.Replay))
	p.printf("   StringNotEquals let in everyone but the partner, anonymous callers too.\n")
}
