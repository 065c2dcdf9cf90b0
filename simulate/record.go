package simulate

import (
	"slices"
	"time"
)

// A Record is what the simulator remembers of a request: who asked for
// what, what was decided and why, and the answer.
type Record struct {
	Time      time.Time
	RequestID string
	// Principal is the caller's ARN, "anonymous", or "" when the request
	// failed authentication.
	Principal   string
	AccessKeyID string
	Operation   string // as s3op names it, such as "GetObject"; "" if unknown
	Bucket, Key string
	// Decision is the authorization decision; nil when the request failed
	// before it was authorized.
	Decision *Decision
	Status   int    // the HTTP status of the answer
	Code     string // S3's error code, "" on success
	// Explanation says why: for a request refused by authorization, the
	// explained AccessDenied message, even when the caller was told only
	// "Access Denied"; for another error, its message; for a success, what
	// allowed it.
	Explanation string

	// explain is set while Explanation is to be the Decision's Explained,
	// yet to be written (see fill).
	explain bool
}

// fill writes the Explanation of a success, the first time the record
// is read.
func (r *Record) fill() {
	if r.explain {
		r.Decision.explain()
		r.Explanation = r.Decision.Explained
		r.explain = false
	}
}

// Allowed reports whether the request was authorized.
func (r Record) Allowed() bool { return r.Decision != nil && r.Decision.Allowed }

// Requests returns the records of the requests answered so far, oldest
// first.
func (s *Simulator) Requests() []Record {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	recs := s.records
	if len(recs) > s.maxRecs {
		recs = recs[len(recs)-s.maxRecs:]
	}
	for i := range recs {
		recs[i].fill()
	}
	return slices.Clone(recs)
}

// ResetRequests forgets the records kept so far.
func (s *Simulator) ResetRequests() {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.records = nil
}

func (s *Simulator) record(c *call) {
	rec := Record{Time: c.now, RequestID: c.id, Principal: c.principal, AccessKeyID: c.sig.accessKey, Operation: c.op,
		Bucket: c.bucket, Key: c.key, Decision: c.decision, Status: c.w.status, Code: c.w.code, Explanation: c.explain}
	if rec.Status == 0 {
		rec.Status = 200
	}
	switch {
	case rec.Explanation != "":
	case rec.Code != "":
		rec.Explanation = c.w.message
	case c.decision != nil:
		rec.Explanation = c.decision.Explained
		rec.explain = c.decision.explainReq != nil
	}
	if s.onReq != nil {
		rec.fill()
		s.onReq(rec)
	}
	if s.maxRecs <= 0 {
		return
	}
	s.recMu.Lock()
	defer s.recMu.Unlock()
	if len(s.records) >= 2*s.maxRecs {
		// Drop the oldest, now and then rather than at every request.
		n := copy(s.records, s.records[len(s.records)-s.maxRecs:])
		clear(s.records[n:])
		s.records = s.records[:n]
	}
	s.records = append(s.records, rec)
}
