package s3op

// Row describes a row of the table for the black-box tests.
type Row struct {
	Op      string
	Type    string // resource type the request names: "", "bucket" or "object"
	Action  string // IAM action, without "s3:"
	Version string // action on an object version, or ""
	Adds    []Add  // further actions the request's headers can call for
}

// Add is a further action of a row and the resource type it names.
type Add struct{ Action, Type string }

// Rows returns every row of the table.
func Rows() []Row {
	out := make([]Row, 0, len(table))
	for _, rw := range table {
		r := Row{Op: rw.op, Type: [...]string{onService: "", onBucket: "bucket", onObject: "object"}[rw.on],
			Action: rw.action, Version: rw.version}
		add := func(t string, actions ...string) {
			for _, a := range actions {
				r.Adds = append(r.Adds, Add{a, t})
			}
		}
		for f := adds(1); f != 0 && f <= perKey; f <<= 1 {
			if rw.adds&f == 0 {
				continue
			}
			switch f {
			case addACL:
				if rw.on == onBucket {
					add("bucket", "PutBucketAcl")
				} else {
					add("object", "PutObjectAcl")
				}
			case addTagging:
				add("object", "PutObjectTagging")
			case addLock:
				add("object", "PutObjectRetention", "PutObjectLegalHold")
			case addBypass:
				add("object", "BypassGovernanceRetention")
			case addSource, addRead:
				add("object", "GetObject", "GetObjectVersion")
			case addAnnotations:
				add("object", "GetObjectAnnotation", "PutObjectAnnotation")
			case addBucketSetup:
				add("bucket", "PutBucketObjectLockConfiguration", "PutBucketVersioning", "PutBucketOwnershipControls")
			case perKey:
			default:
				panic("Rows: unknown flag")
			}
		}
		out = append(out, r)
	}
	return out
}
