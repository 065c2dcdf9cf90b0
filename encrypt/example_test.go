package encrypt_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

// Encrypt an object with a raw AES keyring and read it back. The envelope
// travels as the object's user metadata.
func Example() {
	ctx := context.Background()
	kek := bytes.Repeat([]byte{0x11}, 32) // keep yours in a secret store
	keyring, err := encrypt.NewAESKeyring(kek, map[string]string{"kek": "2026-01"})
	if err != nil {
		log.Fatal(err)
	}

	var object bytes.Buffer
	w, err := encrypt.NewEncrypter(keyring).NewWriter(ctx, &object, -1, nil)
	if err != nil {
		log.Fatal(err)
	}
	io.WriteString(w, "quarterly numbers")
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	meta := w.Envelope().Metadata() // s3.PutObjectInput.Metadata
	fmt.Println("content:", meta["x-amz-c"], "wrapping:", meta["x-amz-w"], "material description:", meta["x-amz-m"])
	fmt.Println("object size:", object.Len())

	// Later, from s3.GetObjectOutput's Metadata and Body:
	env, err := encrypt.ParseEnvelope(meta, nil)
	if err != nil {
		log.Fatal(err)
	}
	r, err := encrypt.NewDecrypter(keyring).NewReader(ctx, env, &object, int64(object.Len()), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	plain, err := io.ReadAll(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", plain)
	// Output:
	// content: 115 wrapping: 02 material description: {"kek":"2026-01"}
	// object size: 33
	// quarterly numbers
}

// An instruction file holds the wrapped key and its description; the
// object keeps the message ID and the key commitment.
func ExampleEnvelope_InstructionFile() {
	keyring, _ := encrypt.NewAESKeyring(bytes.Repeat([]byte{0x11}, 32), nil)
	w, _ := encrypt.NewEncrypter(keyring).NewWriter(context.Background(), io.Discard, 5, nil)
	meta, file := w.Envelope().InstructionFile()
	fmt.Println("object metadata:", slices.Sorted(maps.Keys(meta)))
	var keys []string
	for _, k := range strings.Split(string(file), `","`) {
		if name, _, ok := strings.Cut(strings.Trim(k, `{"`), `":"`); ok {
			keys = append(keys, name)
		}
	}
	fmt.Println("instruction file:", keys)
	// Output:
	// object metadata: [x-amz-c x-amz-d x-amz-i]
	// instruction file: [x-amz-3 x-amz-m x-amz-unencrypted-content-length x-amz-w]
}

// A multipart upload seals its parts in parallel; the last part carries the
// tag of the whole object.
func ExampleMultipartUpload() {
	ctx := context.Background()
	keyring, _ := encrypt.NewAESKeyring(bytes.Repeat([]byte{0x11}, 32), nil)
	const partSize = 5 << 20 // S3's minimum, a multiple of 16
	m, err := encrypt.NewEncrypter(keyring).NewMultipartUpload(ctx, partSize, nil)
	if err != nil {
		log.Fatal(err)
	}
	// CreateMultipartUpload with Metadata: m.Envelope().Metadata(), then:
	data := make([]byte, 2*partSize+100)
	done := make(chan []byte)
	for i := range 2 {
		go func() {
			c, err := m.SealPart(nil, int32(i+1), data[i*partSize:(i+1)*partSize])
			if err != nil {
				log.Fatal(err)
			}
			done <- c // UploadPart with PartNumber i+1 and Body c
		}()
	}
	<-done
	<-done
	last, err := m.SealLastPart(nil, 3, data[2*partSize:])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("last part:", len(last), "bytes") // then CompleteMultipartUpload
	// Output:
	// last part: 116 bytes
}

// Read bytes 1000 to 1999 of an encrypted object: only the blocks that hold
// them are fetched and decrypted, without authentication.
func ExampleDecrypter_NewRangeReader() {
	ctx := context.Background()
	keyring, _ := encrypt.NewAESKeyring(bytes.Repeat([]byte{0x11}, 32), nil)
	plain := bytes.Repeat([]byte("0123456789"), 1000)
	var object bytes.Buffer
	w, _ := encrypt.NewEncrypter(keyring).NewWriter(ctx, &object, int64(len(plain)), nil)
	w.Write(plain)
	w.Close()

	rng := encrypt.CiphertextRange(1000, 1999)
	fmt.Println("GetObject Range:", rng)
	var first, last int
	fmt.Sscanf(rng, "bytes=%d-%d", &first, &last)
	body := bytes.NewReader(object.Bytes()[first : last+1]) // what S3 returns

	d := encrypt.NewDecrypter(keyring)
	d.UnauthenticatedRanges = true
	r, err := d.NewRangeReader(ctx, w.Envelope(), body, 1000, 1999, int64(object.Len()), nil)
	if err != nil {
		log.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	fmt.Println(len(got), bytes.Equal(got, plain[1000:2000]))
	// Output:
	// GetObject Range: bytes=992-1999
	// 1000 true
}

// SSE-C: the key goes base64-encoded, with its MD5, on every request that
// writes or reads the object.
func ExampleApply() {
	key := bytes.Repeat([]byte{0x2a}, 32) // from encrypt.GenerateSSECKey
	sse, err := encrypt.SSEC(key)
	if err != nil {
		log.Fatal(err)
	}
	put := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("a.bin")}
	encrypt.Apply(put, sse)
	fmt.Println(aws.ToString(put.SSECustomerAlgorithm), aws.ToString(put.SSECustomerKeyMD5))

	get := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("a.bin")}
	encrypt.Apply(get, sse)
	fmt.Println(aws.ToString(get.SSECustomerKey) == aws.ToString(put.SSECustomerKey))

	// An SSE-KMS object needs nothing on GetObject: S3 refuses the headers.
	get = &s3.GetObjectInput{}
	encrypt.Apply(get, encrypt.SSEKMS("arn:aws:kms:us-east-1:111122223333:key/k", nil))
	fmt.Println(get.SSECustomerKey == nil)
	// Output:
	// AES256 SaaDheEjzuynJH8eW6AEpQ==
	// true
	// true
}

// A bucket policy that requires SSE-KMS with one key when an upload names
// its encryption (the bucket default applies otherwise) and denies SSE-C.
func ExampleEnforcementPolicy() {
	doc, err := encrypt.EnforcementPolicy(encrypt.Enforcement{
		Bucket:   "payroll",
		SSE:      encrypt.SSEKMS("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", nil),
		DenySSEC: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(doc))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "DenyUnencryptedUploads",
	//       "Effect": "Deny",
	//       "Principal": "*",
	//       "Action": "s3:PutObject",
	//       "Resource": "arn:aws:s3:::payroll/*",
	//       "Condition": {
	//         "Null": {
	//           "s3:x-amz-server-side-encryption": "false"
	//         },
	//         "StringNotEquals": {
	//           "s3:x-amz-server-side-encryption": "aws:kms"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "DenyOtherKMSKey",
	//       "Effect": "Deny",
	//       "Principal": "*",
	//       "Action": "s3:PutObject",
	//       "Resource": "arn:aws:s3:::payroll/*",
	//       "Condition": {
	//         "Null": {
	//           "s3:x-amz-server-side-encryption": "false"
	//         },
	//         "StringNotEquals": {
	//           "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "DenySSEC",
	//       "Effect": "Deny",
	//       "Principal": "*",
	//       "Action": "s3:PutObject",
	//       "Resource": "arn:aws:s3:::payroll/*",
	//       "Condition": {
	//         "Null": {
	//           "s3:x-amz-server-side-encryption-customer-algorithm": "false"
	//         }
	//       }
	//     }
	//   ]
	// }
}

// The default encryption of a bucket, for PutBucketEncryption.
func ExampleDefaultEncryption() {
	cfg, err := encrypt.DefaultEncryption(encrypt.SSEKMS("arn:aws:kms:us-east-1:111122223333:key/k", nil).WithBucketKey(true), true)
	if err != nil {
		log.Fatal(err)
	}
	r := cfg.Rules[0]
	fmt.Println(r.ApplyServerSideEncryptionByDefault.SSEAlgorithm, *r.BucketKeyEnabled, r.BlockedEncryptionTypes.EncryptionType)
	// Output:
	// aws:kms true [SSE-C]
}
