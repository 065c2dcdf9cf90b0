package interop_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

// storage is where s3vet writes the envelope. The official client v4.0.0
// writes only object metadata (internal/strategy.go line 50: "Any content
// metadata written is implicitly written to object metadata and not an
// instruction file"), so instruction files go one way only.
var storages = []struct {
	name            string
	instructionFile bool
}{{"metadata", false}, {"instruction-file", true}}

// TestS3vetToOfficial: objects s3vet writes, in the V2 and the committing
// format, with each keyring, in the object metadata and in an instruction
// file, are decrypted by the official client to the same bytes.
func TestS3vetToOfficial(t *testing.T) {
	e := newEnv(t)
	e.officialInstructionFiles(t)
	ctx := context.Background()
	n := 0
	for _, f := range formats {
		for _, kr := range keyrings {
			for _, st := range storages {
				t.Run(fmt.Sprintf("%s/%s/%s", f.name, kr.name, st.name), func(t *testing.T) {
					e.takeKMSCalls()
					defer checkKMSUsed(t, e, kr)
					enc := encrypt.NewEncrypter(kr.ours(e))
					enc.Policy = f.ours
					enc.InstructionFile = st.instructionFile
					official := e.officialClient(t, kr.official(e), f.official)
					for _, size := range sizes {
						n++
						key := fmt.Sprintf("s3vet/%d", n)
						want := plaintext(size, uint64(n))
						_, err := enc.PutObject(ctx, e.s3, &s3.PutObjectInput{
							Bucket: aws.String(bucket), Key: aws.String(key),
							Body: bytes.NewReader(want), ContentLength: aws.Int64(size),
						}, kr.ec)
						if err != nil {
							t.Fatalf("%s: s3vet PutObject: %v", sizeName(size), err)
						}
						checkFormat(t, e, key, f, st.instructionFile)
						out, err := official.GetObject(withContext(ctx, kr.ec), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
						if err != nil {
							t.Fatalf("%s: official GetObject: %v", sizeName(size), err)
						}
						sameBytes(t, readAll(t, out.Body), want)
						keys := []string{key}
						if st.instructionFile {
							keys = append(keys, key+encrypt.InstructionFileSuffix)
						}
						e.remove(t, keys...)
					}
				})
			}
		}
	}
}

// checkKMSUsed fails unless every object of a KMS subtest had its data
// key made by one allowed GenerateDataKey and unwrapped by one allowed
// Decrypt of the simulator's KMS.
func checkKMSUsed(t *testing.T, e *env, kr keyring) {
	t.Helper()
	if kr.ec == nil {
		e.takeKMSCalls()
		return
	}
	calls := e.takeKMSCalls()
	if g, d := calls["GenerateDataKey"], calls["Decrypt"]; g != len(sizes) || d != len(sizes) {
		t.Errorf("KMS calls: %d GenerateDataKey, %d Decrypt, want %d each", g, d, len(sizes))
	}
}

// TestOfficialToS3vet: objects the official client writes, in the V2 and
// the committing format, with each keyring, are decrypted by s3vet to the
// same bytes.
func TestOfficialToS3vet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	n := 0
	for _, f := range formats {
		for _, kr := range keyrings {
			t.Run(f.name+"/"+kr.name, func(t *testing.T) {
				e.takeKMSCalls()
				defer checkKMSUsed(t, e, kr)
				official := e.officialClient(t, kr.official(e), f.official)
				dec := encrypt.NewDecrypter(kr.ours(e))
				dec.Policy = f.ours
				for _, size := range sizes {
					n++
					key := fmt.Sprintf("official/%d", n)
					want := plaintext(size, uint64(n))
					_, err := official.PutObject(withContext(ctx, kr.ec), &s3.PutObjectInput{
						Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(want),
					})
					if err != nil {
						t.Fatalf("%s: official PutObject: %v", sizeName(size), err)
					}
					checkFormat(t, e, key, f, false)
					out, err := dec.GetObject(ctx, e.s3, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, kr.ec)
					if err != nil {
						t.Fatalf("%s: s3vet GetObject: %v", sizeName(size), err)
					}
					if got := aws.ToInt64(out.ContentLength); got != size {
						t.Errorf("%s: ContentLength %d", sizeName(size), got)
					}
					sameBytes(t, readAll(t, out.Body), want)
					e.remove(t, key)
				}
			})
		}
	}
}

// checkFormat checks that the object is stored in the format f names, so
// that a round trip cannot pass in another format than the one claimed.
func checkFormat(t *testing.T, e *env, key string, f format, instructionFile bool) {
	t.Helper()
	meta := e.head(t, key)
	var instr []byte
	if instructionFile {
		instr, _ = e.getRaw(t, key+encrypt.InstructionFileSuffix)
	}
	env, err := encrypt.ParseEnvelope(meta, instr)
	if err != nil {
		t.Fatalf("envelope: %v (metadata %v)", err, meta)
	}
	if env.ContentAlgorithm != f.alg {
		t.Fatalf("content algorithm %q, want %q", env.ContentAlgorithm, f.alg)
	}
	v3 := f.alg == encrypt.AlgAESGCMCommitting
	if _, ok := meta["x-amz-c"]; ok != v3 {
		t.Errorf("x-amz-c in metadata: %v, want %v", ok, v3)
	}
	if _, ok := meta["x-amz-cek-alg"]; ok == (v3 || instructionFile) {
		t.Errorf("x-amz-cek-alg in metadata: %v", ok)
	}
	if v3 && (len(env.MessageID) != 28 || len(env.KeyCommitment) != 28) {
		t.Errorf("message ID %d bytes, commitment %d", len(env.MessageID), len(env.KeyCommitment))
	}
}
