package simulate_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3vet/s3vet/simulate"
)

// 64 goroutines mix reads, writes, multipart uploads, tagging and policy
// changes; every acknowledged write is readable afterwards, byte for byte.
func TestConcurrency(t *testing.T) {
	w := &simulate.World{}
	a := w.AddAccount("666666666666")
	u := a.AddUser("worker", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	a.AddBucket("shared").AddObject("seed", "seed")
	srv := simulate.NewTestTLSServer(t, w)
	ctx := context.Background()
	const workers, rounds = 64, 8
	var mu sync.Mutex
	acked := map[string][]byte{}
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := srv.Client(u.ARN())
			for i := range rounds {
				key := fmt.Sprintf("w%02d/%d", g, i)
				body := randomBytes(1000+g*37+i, uint64(g*rounds+i))
				var err error
				switch (g + i) % 6 {
				case 0, 1:
					_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String(key), Body: bytes.NewReader(body)})
				case 2:
					err = multipartUpload(ctx, c, key, body)
				case 3:
					_, err = get(ctx, c, "shared", "seed")
					body = nil
				case 4:
					doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"s%d","Effect":"Deny","Principal":"*","Action":"s3:PutBucketWebsite","Resource":"arn:aws:s3:::shared"}]}`, g)
					if i%2 == 0 {
						_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(doc)})
					} else {
						_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("shared")})
					}
					body = nil
				case 5:
					_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String(key), Body: bytes.NewReader(body), Tagging: aws.String("g=1")})
					if err == nil {
						_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("shared"), Key: aws.String(key),
							Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("round"), Value: aws.String(fmt.Sprint(i))}}}})
					}
					if err == nil {
						_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared"), Prefix: aws.String(fmt.Sprintf("w%02d/", g))})
					}
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", key, err)
					continue
				}
				if body != nil {
					mu.Lock()
					acked[key] = body
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c := srv.Client(u.ARN())
	for key, want := range acked {
		got, err := get(ctx, c, "shared", key)
		if err != nil || got != string(want) {
			t.Errorf("%s: %d bytes, want %d (%v)", key, len(got), len(want), err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Status >= 500 {
			t.Errorf("%s %s: %d %s", r.Operation, r.Key, r.Status, r.Explanation)
		}
	}
}

func multipartUpload(ctx context.Context, c *s3.Client, key string, body []byte) error {
	b, k := aws.String("shared"), aws.String(key)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k})
	if err != nil {
		return err
	}
	// One part: all parts but the last must be 5 MiB at least.
	var parts []types.CompletedPart
	for i, p := range [][]byte{body} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			return err
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return err
}
