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
	// AccessPoint is the ARN of the access point the request was made
	// through, "" for none; Bucket is then the access point's bucket.
	AccessPoint string
	// VPCEndpoint is the ID of the VPC endpoint the request came
	// through, "" for none.
	VPCEndpoint string
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
	n := min(s.nrecs, s.maxRecs)
	if n == 0 {
		return nil
	}
	out := make([]Record, 0, n)
	skip := s.nrecs - n
	for _, blk := range s.records {
		if skip >= len(blk) {
			skip -= len(blk)
			continue
		}
		for i := skip; i < len(blk); i++ {
			blk[i].fill()
		}
		out = append(out, blk[skip:]...)
		skip = 0
	}
	return out
}

// ResetRequests forgets the records kept so far.
func (s *Simulator) ResetRequests() {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.records, s.nrecs = nil, 0
}

// recordBlock is how many records a block of the log holds: the log grows
// a block at a time, never copied, and drops its oldest block once the
// others hold the records to keep.
const recordBlock = 512

// keep adds a record to the log. The caller holds recMu.
func (s *Simulator) keep(rec Record) {
	last := len(s.records) - 1
	if last < 0 || len(s.records[last]) == cap(s.records[last]) {
		if last >= 0 && s.nrecs-len(s.records[0]) >= s.maxRecs {
			old := s.records[0]
			s.nrecs -= len(old)
			clear(old)
			s.spare = old[:0]
			s.records = slices.Delete(s.records, 0, 1)
		}
		blk := s.spare
		s.spare = nil
		if blk == nil {
			blk = make([]Record, 0, recordBlock)
		}
		s.records = append(s.records, blk)
		last = len(s.records) - 1
	}
	s.records[last] = append(s.records[last], rec)
	s.nrecs++
}

func (s *Simulator) record(c *call) {
	rec := Record{Time: c.now, RequestID: c.id, Principal: c.principal, AccessKeyID: c.sig.accessKey, Operation: c.op,
		Bucket: c.bucket, Key: c.key, Decision: c.decision, Status: c.w.status, Code: c.w.code, Explanation: c.explain}
	if rec.Status == 0 {
		rec.Status = 200
	}
	if c.ap != nil {
		rec.AccessPoint = c.ap.arn
	}
	if c.vpce != nil {
		rec.VPCEndpoint = c.vpce.id
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
	s.keep(rec)
}
