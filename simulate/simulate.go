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
//
// # Authorization
//
// [Simulator.Authorize] answers an S3 request for a principal without
// HTTP: the request's permissions come from package s3op, each decided by
// package access (AWS's policy evaluation logic and S3's own rules), with
// the condition keys AWS adds for the principal (aws:PrincipalTag/...,
// aws:PrincipalOrgID).
package simulate

import (
	"fmt"
	"sync"

	"github.com/s3vet/s3vet/policy/s3op"
)

// A Simulator is a simulated S3 built from a World. It is safe for
// concurrent use.
type Simulator struct {
	mu sync.RWMutex
	m  *model
}

// New builds a simulator from a world.
func New(w *World) (*Simulator, error) {
	if w == nil {
		w = &World{}
	}
	m, err := compile(w)
	if err != nil {
		return nil, err
	}
	return &Simulator{m: m}, nil
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
	return s.m.authorize(c, req)
}
